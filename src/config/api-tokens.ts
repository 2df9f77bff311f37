import { z } from 'zod';

/** One client of the HTTP API: its name is the actor recorded on what it changes. */
export interface ApiToken {
  name: string;
  token: string;
}

/** Shortest token accepted: 24 characters of a random string is out of guessing range. */
export const MIN_API_TOKEN_LENGTH = 24;

const NAME = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * FENJI_API_TOKENS: comma-separated `name:token` pairs. Problems name the pair by position
 * and the client by name, never by token: the value is a secret.
 */
export const apiTokensSchema = z.string().transform((value, ctx): ApiToken[] => {
  const tokens: ApiToken[] = [];
  const pairs = value.split(',').map((p) => p.trim()).filter((p) => p !== '');
  pairs.forEach((pair, index) => {
    const colon = pair.indexOf(':');
    const name = colon < 0 ? '' : pair.slice(0, colon).trim();
    const token = colon < 0 ? '' : pair.slice(colon + 1).trim();
    const where = `pair ${index + 1}${NAME.test(name) ? ` (${name})` : ''}`;
    if (colon < 0) return issue(ctx, `${where} must be name:token`);
    if (!NAME.test(name)) return issue(ctx, `${where}: the name must be 1-32 letters, digits, "_", "." or "-"`);
    if (token.length < MIN_API_TOKEN_LENGTH || /\s/.test(token)) {
      return issue(ctx, `${where}: the token must be at least ${MIN_API_TOKEN_LENGTH} characters without spaces (e.g. openssl rand -hex 24)`);
    }
    if (tokens.some((t) => t.name === name)) return issue(ctx, `${where}: the name ${name} is used twice`);
    if (tokens.some((t) => t.token === token)) return issue(ctx, `${where}: the same token is given to two names`);
    tokens.push({ name, token });
  });
  return tokens;
});

function issue(ctx: z.RefinementCtx, message: string): void {
  ctx.addIssue({ code: 'custom', message });
}
