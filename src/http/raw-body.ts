import type { IncomingMessage } from 'node:http';
import { CallbackRejectedError, ClientAbortedError } from '../shared/errors.ts';

/**
 * Reads the raw body as UTF-8 with a hard limit, before any signature work, so an
 * unauthenticated sender cannot make us buffer megabytes. Past the limit the rest is
 * drained, not kept, so the client gets its 413 instead of a reset connection.
 * @throws CallbackRejectedError body_too_large (413)
 * @throws ClientAbortedError when the client hangs up before the body is complete
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  // Gone already: its 'error' and 'close' were emitted before we could listen.
  if (req.destroyed && !req.complete) return Promise.reject(new ClientAbortedError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(chunk);
    });
    req.once('end', () => (over ? reject(tooLarge(limit)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    // A request stream only errors when its connection does (Node: ECONNRESET "aborted");
    // 'close' without the whole body covers a hang-up that raises no error.
    req.once('error', (err) => reject(new ClientAbortedError(err)));
    req.once('close', () => {
      if (!req.complete) reject(new ClientAbortedError());
    });
  });
}

function tooLarge(limit: number): CallbackRejectedError {
  return new CallbackRejectedError('body_too_large', `body exceeds WECOM_CALLBACK_MAX_BODY_BYTES=${limit}`, 413);
}
