import type { Context } from 'koa';
import type { CallbackQuery } from '../../wecom/open-callback.ts';

/**
 * The four parameters WeCom sends, first value of each, read straight from the query
 * string: Koa's ctx.query builds an object of every parameter first (a few µs per callback).
 */
export function queryOf(ctx: Context): CallbackQuery {
  const q = new URLSearchParams(ctx.querystring);
  return {
    msg_signature: q.get('msg_signature') ?? undefined,
    timestamp: q.get('timestamp') ?? undefined,
    nonce: q.get('nonce') ?? undefined,
    // Base64 has no spaces: a '+' that arrived unencoded was decoded to ' '; put it back.
    echostr: q.get('echostr')?.replace(/ /g, '+'),
  };
}
