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

async function readText(ctx: Context, limit: number): Promise<string> {
  const tooLarge = () => new ApiError('body_too_large', `body exceeds ${limit} bytes`, 413);
  const declared = Number(ctx.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    ctx.req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // destroyOnReturn off: leaving the loop early must not destroy the socket before the 413 goes out.
  for await (const chunk of ctx.req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.req.resume();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
