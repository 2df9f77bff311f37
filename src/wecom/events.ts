import { CallbackUnusableError } from '../shared/errors.ts';
import { parseWeComXml, textOf, type XmlRecord } from './xml.ts';

/**
 * Typed callback events (docs/wecom/callbacks.md, 'Event kinds'). Every value stays a string as WeCom sent it;
 * `createTime` is seconds since the epoch. Unknown kinds are kept, acknowledged and logged,
 * never thrown on: WeCom adds event types over time.
 */
/**
 * The longest id (or enum, version, scene) an event may carry, in UTF-8 bytes; only the
 * message text is exempt (the body limit bounds it). WeCom's documented limits are far
 * below: a member's UserID is 1–64 bytes (创建成员), a 微信客服 sync Token at most 128 bytes
 * (读取消息), a 「联系我」 State at most 30 characters; external_userid, OpenKfId, ChatId
 * and tag ids are ~32-character opaque ids, MsgId a 64-bit integer. 256 leaves room for
 * WeCom to lengthen any of them, while a 40 KB "id" is dropped at the door instead of
 * failing a job 8 times, bloating job ids and Redis keys on its way.
 */
export const ID_MAX_BYTES = 256;

interface EventBase {
  toUserName: string;
  fromUserName: string;
  createTime: number;
  agentId?: string;
}

export interface AppMessageEvent extends EventBase {
  kind: 'app_message';
  msgType: string;
  msgId: string;
  content?: string;
}

export type ExternalContactChange =
  | 'add_external_contact'
  | 'edit_external_contact'
  | 'add_half_external_contact'
  | 'del_external_contact'
  | 'del_follow_user'
  | 'transfer_fail';

export interface ExternalContactEvent extends EventBase {
  kind: 'external_contact';
  changeType: ExternalContactChange | (string & {});
  userId: string;
  externalUserId: string;
  state?: string;
  welcomeCode?: string;
  source?: string;
  failReason?: string;
}

export interface ExternalTagEvent extends EventBase {
  kind: 'external_tag';
  changeType: string;
  id: string;
  tagType: string;
  strategyId?: string;
}

export interface ExternalChatEvent extends EventBase {
  kind: 'external_chat';
  changeType: string;
  chatId: string;
  updateDetail?: string;
  /** add_member: 0 invited directly, 3 scanned the group QR code (docs/wecom/callbacks.md, 'Event kinds'). */
  joinScene?: string;
  /** del_member: 0 left, 1 removed. */
  quitScene?: string;
  memChangeCnt?: string;
  /** The userids / external_userids that joined or left. */
  memChangeList?: string[];
  /** Member-list versions: a gap between them means a callback was lost or reordered. */
  lastMemVer?: string;
  curMemVer?: string;
}

export interface KfMsgOrEvent extends EventBase {
  kind: 'kf_msg_or_event';
  token: string;
  openKfId: string;
}

export interface UnknownEvent extends EventBase {
  kind: 'unknown';
  msgType: string;
  event?: string;
  changeType?: string;
}

export type WeComEvent =
  | AppMessageEvent
  | ExternalContactEvent
  | ExternalTagEvent
  | ExternalChatEvent
  | KfMsgOrEvent
  | UnknownEvent;

/**
 * Parses the decrypted inner XML into a WeComEvent plus the flat field map (for dedupe).
 * @throws CallbackUnusableError when an id field is longer than ID_MAX_BYTES or not valid UTF-8
 */
export function parseEvent(xml: string): { event: WeComEvent; fields: XmlRecord } {
  const fields = parseWeComXml(xml);
  // Runs on every callback: plain reads and assignments, no closures, spreads or deletes.
  const base: EventBase = {
    toUserName: text(fields, 'ToUserName'),
    fromUserName: text(fields, 'FromUserName'),
    createTime: Number(text(fields, 'CreateTime')) || 0,
  };
  setIfPresent(base, 'agentId', fields, 'AgentID');
  const msgType = text(fields, 'MsgType');
  if (msgType !== 'event') {
    const event: AppMessageEvent = { ...base, kind: 'app_message', msgType, msgId: text(fields, 'MsgId') };
    // The message text is not an id: unbounded here.
    const content = textOf(fields, 'Content');
    if (content) event.content = content;
    return { fields, event };
  }
  const changeType = text(fields, 'ChangeType');
  switch (text(fields, 'Event')) {
    case 'change_external_contact': {
      const event: ExternalContactEvent = {
        ...base, kind: 'external_contact', changeType,
        userId: text(fields, 'UserID'), externalUserId: text(fields, 'ExternalUserID'),
      };
      setIfPresent(event, 'state', fields, 'State');
      setIfPresent(event, 'welcomeCode', fields, 'WelcomeCode');
      setIfPresent(event, 'source', fields, 'Source');
      setIfPresent(event, 'failReason', fields, 'FailReason');
      return { fields, event };
    }
    case 'change_external_tag': {
      const event: ExternalTagEvent = { ...base, kind: 'external_tag', changeType, id: text(fields, 'Id'), tagType: text(fields, 'TagType') };
      setIfPresent(event, 'strategyId', fields, 'StrategyId');
      return { fields, event };
    }
    case 'change_external_chat': {
      const event: ExternalChatEvent = { ...base, kind: 'external_chat', changeType, chatId: text(fields, 'ChatId') };
      setIfPresent(event, 'updateDetail', fields, 'UpdateDetail');
      setIfPresent(event, 'joinScene', fields, 'JoinScene');
      setIfPresent(event, 'quitScene', fields, 'QuitScene');
      setIfPresent(event, 'memChangeCnt', fields, 'MemChangeCnt');
      const members = itemsOf(fields, 'MemChangeList');
      if (members !== undefined) event.memChangeList = members;
      setIfPresent(event, 'lastMemVer', fields, 'LastMemVer');
      setIfPresent(event, 'curMemVer', fields, 'CurMemVer');
      return { fields, event };
    }
    case 'kf_msg_or_event':
      return { fields, event: { ...base, kind: 'kf_msg_or_event', token: text(fields, 'Token'), openKfId: text(fields, 'OpenKfId') } };
    default: {
      const event: UnknownEvent = { ...base, kind: 'unknown', msgType };
      setIfPresent(event, 'event', fields, 'Event');
      setIfPresent(event, 'changeType', fields, 'ChangeType');
      return { fields, event };
    }
  }
}

/** A field's text ('' when absent), at most ID_MAX_BYTES long. */
function text(fields: XmlRecord, name: string): string {
  return bounded(name, textOf(fields, name) ?? '');
}

/** Copies a non-empty text field (at most ID_MAX_BYTES) onto the event; absent or empty stays absent. */
function setIfPresent<T extends object>(target: T, key: keyof T & string, fields: XmlRecord, name: string): void {
  const value = textOf(fields, name);
  if (value) (target as Record<string, unknown>)[key] = bounded(name, value);
}

function bounded(name: string, value: string): string {
  // The body is decoded as UTF-8, which turns every invalid byte sequence into U+FFFD: two
  // different ids would arrive as one and merge two customers. WeCom's ids are valid text.
  if (value.includes('\uFFFD')) {
    throw new CallbackUnusableError(name, `${name} is not valid UTF-8: not an id WeCom makes`);
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no count (the usual case).
  if (value.length <= ID_MAX_BYTES / 3) return value;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > ID_MAX_BYTES) {
    throw new CallbackUnusableError(name, `${name} is ${bytes} bytes, over ${ID_MAX_BYTES}: not an id WeCom makes`);
  }
  return value;
}

/** `<List><Item>a</Item><Item>b</Item></List>` → ['a', 'b']; undefined when absent. */
function itemsOf(fields: XmlRecord, name: string): string[] | undefined {
  const list = fields[name];
  if (list === undefined || typeof list === 'string' || Array.isArray(list)) return undefined;
  const items = list['Item'];
  if (typeof items === 'string') return [bounded(name, items)];
  if (Array.isArray(items)) return items.filter((item): item is string => typeof item === 'string').map((item) => bounded(name, item));
  return undefined;
}
