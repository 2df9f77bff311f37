import type { Interaction } from '../../domain/contacts/contact.ts';
import { isWellFormedUnicode } from '../../shared/unicode.ts';
import type { KfMessage } from '../../wecom/api.ts';

/** kf/sync_msg `origin`: 3 the WeChat customer, 4 a system event, 5 a servicer in the WeCom client. */
const ORIGIN_CUSTOMER = 3;
const ORIGIN_SERVICER = 5;

/**
 * WeCom gives whole seconds. A stable offset derived from the msgid keeps messages of one
 * second apart in time (the summary counts messages by id, so this is for their order and
 * for the times already stored: a replayed page must give the same time, or the message
 * would read as a conflicting replay). It goes backwards (into the second before
 * send_time), so a message is never later than the moment it was read: facts in the
 * future do not count yet.
 */
export function kfMessageTime(m: Pick<KfMessage, 'msgid' | 'send_time'>): number {
  let hash = 2166136261;
  for (let i = 0; i < m.msgid.length; i++) hash = Math.imul(hash ^ m.msgid.charCodeAt(i), 16777619);
  return m.send_time * 1000 - ((hash >>> 0) % 1000);
}

/**
 * One 微信客服 message as an interaction (id `kf-<msgid>`, so replays dedupe): a customer's
 * message is inbound, a servicer's reply outbound; system events and messages without a
 * customer are not interactions. Only text carries words for intent keywords.
 */
export function kfMessageToInteraction(m: KfMessage): Interaction | null {
  if (!m.external_userid || m.msgtype === 'event') return null;
  // JSON may carry lone surrogates (\ud800); as Redis keys they would collide with others.
  if (!isWellFormedUnicode(m.msgid) || !isWellFormedUnicode(m.external_userid)) return null;
  if (m.origin !== ORIGIN_CUSTOMER && m.origin !== ORIGIN_SERVICER) return null;
  const inbound = m.origin === ORIGIN_CUSTOMER;
  const text = m.msgtype === 'text' ? m.text?.content : undefined;
  return {
    id: `kf-${m.msgid}`,
    externalUserId: m.external_userid,
    direction: inbound ? 'inbound' : 'outbound',
    channel: 'kf',
    at: kfMessageTime(m),
    ...(text ? { text } : {}),
    ...(!inbound && m.servicer_userid ? { userId: m.servicer_userid } : {}),
  };
}
