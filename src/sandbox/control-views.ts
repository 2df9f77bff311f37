import { receivePeriod } from './receive-cap.ts';
import type { SandboxState } from './state.ts';

/** The text a text or markdown body carries; null for other message types (cards, files…). */
function contentOf(body: Record<string, unknown>, msgtype: string): string | null {
  const part = body[msgtype];
  const content = part !== null && typeof part === 'object' ? (part as Record<string, unknown>)['content'] : undefined;
  return typeof content === 'string' ? content : null;
}

/** A media message's media_id and the uploaded file's name (empty for text and markdown). */
function mediaOf(state: SandboxState, body: Record<string, unknown>, msgtype: string): { media_id?: string; filename?: string } {
  const part = body[msgtype];
  const mediaId = part !== null && typeof part === 'object' ? (part as Record<string, unknown>)['media_id'] : undefined;
  if (typeof mediaId !== 'string') return {};
  const media = state.media.get(mediaId);
  return { media_id: mediaId, ...(media ? { filename: media.filename } : {}) };
}

/**
 * GET /_sandbox/media?media_id=: an uploaded file (base64 in `data`), so a test can read
 * back what a member was sent. Expired media stay readable here.
 */
export function mediaView(state: SandboxState, q: URLSearchParams): Record<string, unknown> | undefined {
  const media = state.media.get(q.get('media_id') ?? '');
  return media ? { ...media } : undefined;
}

/**
 * GET /_sandbox/app-messages?userid=&since=: what members were told through message/send,
 * oldest first, so a test can read exactly what a rep received (`since` in ms, inclusive).
 */
export function appMessagesView(state: SandboxState, q: URLSearchParams): { messages: unknown[]; dropped: unknown[] } {
  const userid = q.get('userid');
  const since = Number(q.get('since') ?? 0);
  const recent = state.appMessages.filter((m) => m.sent_at >= since);
  const messages = recent
    .filter((m) => userid === null || m.touser.includes(userid))
    .map((m) => ({
      msgid: m.msgid, touser: [...m.touser], msgtype: m.msgtype, content: contentOf(m.body, m.msgtype), sent_at: m.sent_at, truncated: m.truncated ?? false,
      ...mediaOf(state, m.body, m.msgtype),
    }));
  // What WeCom would have dropped silently (over 30 a minute to the member): the sender never learns it; a test can.
  const dropped = recent
    .filter((m) => (m.dropped ?? []).some((u) => userid === null || u === userid))
    .map((m) => ({ msgid: m.msgid, dropped: [...(m.dropped ?? [])], content: contentOf(m.body, m.msgtype), sent_at: m.sent_at }));
  return { messages, dropped };
}

/**
 * GET /_sandbox/welcomes?userid=&external_userid=: every WelcomeCode issued, in order,
 * with the welcome sent on it (text, time, and the add → welcome latency) or nulls.
 */
export function welcomesView(state: SandboxState, q: URLSearchParams): { welcomes: unknown[] } {
  const userid = q.get('userid');
  const externalUserId = q.get('external_userid');
  const welcomes = [...state.welcomeCodes.values()]
    .filter((c) => (userid === null || c.userid === userid) && (externalUserId === null || c.external_userid === externalUserId))
    .map((c) => ({
      welcome_code: c.code,
      userid: c.userid,
      external_userid: c.external_userid,
      state: c.state ?? '',
      issued_at: c.issued_at,
      sent_at: c.used_at ?? null,
      text: c.message ? contentOf(c.message, 'text') : null,
      latency_ms: c.used_at === undefined ? null : c.used_at - c.issued_at,
    }));
  return { welcomes };
}

/** GET /_sandbox/groupmsg-rule: the rule, the current period in the sandbox's clock, and a customer's count in it. */
export function groupMsgRuleView(state: SandboxState, externalUserId?: string): Record<string, unknown> {
  const receipts = state.groupMsgReceipts;
  const now = state.now();
  const period = receivePeriod(receipts.rule, now);
  return {
    rule: receipts.rule,
    cap: period.cap,
    period: { start: period.start, end: period.end },
    ...(externalUserId ? { external_userid: externalUserId, received: receipts.count(externalUserId, now) } : {}),
  };
}
