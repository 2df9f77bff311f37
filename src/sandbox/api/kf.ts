import { newOpaqueId } from '../ids.ts';
import type { KfMessage } from '../types.ts';
import { decodeCursor, encodeCursor, limitParam, obj, str } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** sync_msg only returns the last 3 days (docs/wecom/api.md, 'Customer service (kf)'). */
const READABLE_MS = 3 * 24 * 3600_000;
/** kf/send_msg: within 48 h of the customer's last message, at most 5 messages. */
const REPLY_WINDOW_MS = 48 * 3600_000;
const REPLIES_PER_WINDOW = 5;

const isSeqCursor = (v: unknown): v is { s: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { s: unknown }).s);

function messageView(m: KfMessage): Record<string, unknown> {
  return {
    msgid: m.msgid,
    open_kfid: m.open_kfid,
    external_userid: m.external_userid,
    send_time: m.send_time,
    origin: m.origin,
    msgtype: m.msgtype,
    text: { ...m.text },
  };
}

/**
 * POST kf/sync_msg {cursor?, token?, limit? ≤1000, open_kfid?}. The cursor points after
 * the last message returned, so a client that persists next_cursor sees each message once;
 * one without a cursor starts from the earliest readable message.
 */
function syncMsg(ctx: ApiContext): ApiResult {
  const token = str(ctx.body, 'token');
  if (token !== undefined) {
    const issued = ctx.state.kfTokens.get(token);
    if (!issued || issued.expires_at <= ctx.clock.now()) {
      return fail(ERR.kfInvalidSyncToken, 'invalid msg token');
    }
  }
  const limit = limitParam(ctx.body, 1000, 1000);
  if (limit === undefined) {
    return fail(ERR.invalidParam, 'limit must be 1..1000');
  }
  const openKfId = str(ctx.body, 'open_kfid');
  if (openKfId !== undefined && !ctx.state.kfAccounts.has(openKfId)) {
    return fail(ERR.invalidOpenKfId, 'invalid open_kfid');
  }
  const rawCursor = str(ctx.body, 'cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor, isSeqCursor) : { s: 0 };
  if (!cursor) {
    return fail(ERR.invalidParam, 'invalid cursor');
  }
  const oldest = Math.floor((ctx.clock.now() - READABLE_MS) / 1000);
  const pending = ctx.state.kfMessages.filter(
    (m) => m.seq > cursor.s && m.send_time >= oldest && (openKfId === undefined || m.open_kfid === openKfId),
  );
  const page = pending.slice(0, limit);
  const lastSeq = page[page.length - 1]?.seq ?? cursor.s;
  return ok({
    next_cursor: encodeCursor({ s: lastSeq }),
    has_more: pending.length > page.length ? 1 : 0,
    msg_list: page.map(messageView),
  });
}

/**
 * POST kf/send_msg {touser, open_kfid, msgid?, msgtype, text}. Enforces the 48 h / 5
 * messages rule. A repeated msgid answers the first send's msgid without sending again
 * (UNCONFIRMED how WeCom answers a duplicate; idempotent is what clients should expect).
 */
function sendMsg(ctx: ApiContext): ApiResult {
  const openKfId = str(ctx.body, 'open_kfid');
  const touser = str(ctx.body, 'touser');
  if (!openKfId || !ctx.state.kfAccounts.has(openKfId)) {
    return fail(ERR.invalidOpenKfId, 'invalid open_kfid');
  }
  if (!touser) {
    return fail(ERR.invalidExternalUserId, 'touser required');
  }
  const msgtype = str(ctx.body, 'msgtype');
  const content = msgtype ? obj(ctx.body, msgtype) : undefined;
  if (!msgtype || !content || (msgtype === 'text' && !str(content, 'content'))) {
    return fail(ERR.invalidParam, 'msgtype and its body are required');
  }
  const msgid = str(ctx.body, 'msgid');
  const duplicate = msgid ? ctx.state.kfSent.find((s) => s.open_kfid === openKfId && s.msgid === msgid) : undefined;
  if (duplicate) {
    return ok({ msgid: duplicate.msgid });
  }
  const lastFromCustomer = ctx.state.kfMessages
    .filter((m) => m.open_kfid === openKfId && m.external_userid === touser && m.origin === 3)
    .at(-1);
  const now = ctx.clock.now();
  if (!lastFromCustomer || now - lastFromCustomer.send_time * 1000 > REPLY_WINDOW_MS) {
    return fail(ERR.kfSendTimeLimit, 'customer has not written within 48 hours');
  }
  const sentSince = ctx.state.kfSent.filter(
    (s) => s.open_kfid === openKfId && s.touser === touser && s.sent_at >= lastFromCustomer.send_time * 1000,
  ).length;
  if (sentSince >= REPLIES_PER_WINDOW) {
    return fail(ERR.kfSendCountLimit, 'at most 5 messages until the customer writes again');
  }
  const sent = { msgid: msgid ?? newOpaqueId(), open_kfid: openKfId, touser, msgtype, body: ctx.body, sent_at: now };
  ctx.state.kfSent.push(sent);
  return ok({ msgid: sent.msgid });
}

export const kfRoutes: ApiRoute[] = [
  { path: '/cgi-bin/kf/sync_msg', auth: true, handler: syncMsg },
  { path: '/cgi-bin/kf/send_msg', auth: true, handler: sendMsg },
];
