import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { ApiToken } from '../../../config/api-tokens.ts';
import { ApiError } from './errors.ts';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Bearer-token check for /api routes. Tokens are compared as SHA-256 digests with
 * timingSafeEqual, against every configured token without stopping at a match, so neither
 * a token's length nor its position leaks through timing. Sets `ctx.state.apiClient` to
 * the token's name: the actor recorded on overrides.
 * With no tokens configured the API is off: 503 api_disabled, so nobody mistakes it for a
 * wrong token.
 */
export function requireApiToken(tokens: readonly ApiToken[]) {
  const known = tokens.map((t) => ({ name: t.name, digest: digest(t.token) }));
  return async function requireApiToken(ctx: Context, next: Next): Promise<void> {
    if (known.length === 0) {
      throw new ApiError('api_disabled', 'the HTTP API is off: set FENJI_API_TOKENS (name:token pairs) to enable it', 503);
    }
    const match = /^Bearer +(\S+) *$/i.exec(ctx.get('authorization'));
    if (!match) throw new ApiError('unauthorized', 'missing bearer token: send Authorization: Bearer <token>', 401);
    const presented = digest(match[1]!);
    let client: string | undefined;
    for (const candidate of known) {
      if (timingSafeEqual(candidate.digest, presented)) client ??= candidate.name;
    }
    if (client === undefined) throw new ApiError('unauthorized', 'unknown bearer token', 401);
    ctx.state.apiClient = client;
    await next();
  };
}

/** The API client's name that requireApiToken set: who made a change. */
export function apiClientOf(ctx: Context): string {
  const client = ctx.state.apiClient as unknown;
  if (typeof client !== 'string') throw new Error('apiClientOf called on a route without requireApiToken');
  return client;
}
