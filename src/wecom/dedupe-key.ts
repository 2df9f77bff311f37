import { createHash } from 'node:crypto';
import type { XmlRecord } from './xml.ts';

/**
 * Fields that tell one event from another. WeCom's own advice (FromUserName + CreateTime)
 * is too coarse: customer-contact events all come `FromUserName=sys`, and one admin action
 * can push several events in the same second (WxJava#2314). So we hash every identifying
 * field we know of, in a fixed order (docs/wecom/callbacks.md, 'Dedupe').
 */
const IDENTITY_FIELDS = [
  'ToUserName', 'AgentID', 'FromUserName', 'CreateTime', 'MsgType', 'Event', 'ChangeType',
  'UserID', 'ExternalUserID', 'ChatId', 'Id', 'TagType', 'StrategyId', 'UpdateDetail',
  'OpenKfId', 'Token', 'Source', 'FailReason', 'State', 'WelcomeCode', 'EventKey',
  // Two members joining one customer group in the same second give two change_external_chat
  // events that differ only here.
  'JoinScene', 'QuitScene', 'MemChangeCnt', 'MemChangeList', 'LastMemVer', 'CurMemVer',
] as const;

/**
 * The de-duplication key of a callback: `msg-<sha1 of ToUserName|MsgId>` for messages (a
 * MsgId is unique within one corp only), otherwise `evt-<sha1 of the identity fields>`,
 * each written `name=value` and NUL-terminated. Safe as a BullMQ jobId (no ':', never all
 * digits).
 */
export function dedupeKey(fields: XmlRecord): string {
  const msgId = fields['MsgId'];
  if (typeof msgId === 'string' && msgId !== '') {
    const corp = typeof fields['ToUserName'] === 'string' ? fields['ToUserName'] : '';
    return `msg-${createHash('sha1').update(`${corp}|${msgId}`).digest('hex')}`;
  }
  // One string, one hash update: this runs on every callback.
  let input = '';
  for (const name of IDENTITY_FIELDS) {
    const value = fields[name];
    const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    input += `${name}=${text}\u0000`;
  }
  return `evt-${createHash('sha1').update(input).digest('hex')}`;
}
