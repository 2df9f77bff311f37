import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused; nothing Fenji sends comes close. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(max = MAX_BODY_BYTES) {
    super(`request body exceeds ${max} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads a request body as bytes (a media upload is binary), refusing more than `max`. */
export async function readBodyBytes(req: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > max) {
      throw new BodyTooLargeError(max);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** Parses JSON when it is JSON; undefined for an empty body; the raw text otherwise. */
export function parseLoose(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Writes a JSON answer (WeCom's charset spelling, as its API answers carry it). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Promise-based sleep (real time: latency and delays are about sockets, not the clock). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
