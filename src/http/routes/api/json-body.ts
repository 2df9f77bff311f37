import type { Context } from 'koa';
import type { z } from 'zod';
import { ApiError, validationFailed } from './errors.ts';

/** Largest JSON body the API reads. */
export const API_MAX_BODY_BYTES = 256 * 1024;

/**
 * Reads and validates a JSON request body: 415 unsupported_media_type unless it is
 * application/json, 413 body_too_large past `limit` (checked while streaming, not only by
 * Content-Length), 400 json_invalid when it does not parse, 400 validation_failed when it
 * does not match `schema`.
 */
export async function readJsonBody<S extends z.ZodType>(ctx: Context, schema: S, limit = API_MAX_BODY_BYTES): Promise<z.output<S>> {
  if (!ctx.is('application/json')) {
    ctx.req.resume();
    throw new ApiError('unsupported_media_type', 'send the body as Content-Type: application/json', 415);
  }
  const text = await readText(ctx, limit);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApiError('json_invalid', `body is not valid JSON: ${(err as Error).message}`, 400);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw validationFailed('body', parsed.error.issues);
  return parsed.data;
}

/** Validates `ctx.query` (or route params) the same way, with `where` in the field paths. */
export function parseInput<S extends z.ZodType>(where: 'query' | 'params', schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailed(where, parsed.error.issues);
  return parsed.data;
}

/**
 * Collects the body up to `limit`. Past it, stops collecting but lets the rest drain
 * (resume), so the socket stays usable and the client reads the 413 instead of a reset.
 */
function readText(ctx: Context, limit: number): Promise<string> {
  const req = ctx.req;
  const tooLarge = () => new ApiError('body_too_large', `body exceeds ${limit} bytes`, 413);
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      cleanup();
      req.resume();
      reject(tooLarge());
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
