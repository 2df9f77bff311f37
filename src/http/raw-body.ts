import type { IncomingMessage } from 'node:http';
import { CallbackRejectedError } from '../shared/errors.ts';

/**
 * Reads the raw body as UTF-8 with a hard limit, before any signature work, so an
 * unauthenticated sender cannot make us buffer megabytes.
 * @throws CallbackRejectedError body_too_large (413)
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number): CallbackRejectedError {
  return new CallbackRejectedError('body_too_large', `body exceeds WECOM_CALLBACK_MAX_BODY_BYTES=${limit}`, 413);
}
