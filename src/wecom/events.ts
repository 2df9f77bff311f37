import { parseWeComXml, textOf, type XmlRecord } from './xml.ts';

/**
 * Typed callback events (WECOM.md §2). Every value stays a string as WeCom sent it;
 * `createTime` is seconds since the epoch. Unknown kinds are kept, acknowledged and logged,
 * never thrown on: WeCom adds event types over time.
 */
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
  /** add_member: 0 invited directly, 3 scanned the group QR code (WECOM.md §2.3). */
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

/** Parses the decrypted inner XML into a WeComEvent plus the flat field map (for dedupe). */
export function parseEvent(xml: string): { event: WeComEvent; fields: XmlRecord } {
  const fields = parseWeComXml(xml);
  const s = (name: string) => textOf(fields, name) ?? '';
  const opt = (name: string) => textOf(fields, name) || undefined;
  const base: EventBase = {
    toUserName: s('ToUserName'),
    fromUserName: s('FromUserName'),
    createTime: Number(s('CreateTime')) || 0,
    ...(opt('AgentID') ? { agentId: s('AgentID') } : {}),
  };
  const msgType = s('MsgType');
  const eventName = s('Event');

  if (msgType !== 'event') {
    return {
      fields,
      event: { ...base, kind: 'app_message', msgType, msgId: s('MsgId'), ...(opt('Content') ? { content: s('Content') } : {}) },
    };
  }
  switch (eventName) {
    case 'change_external_contact':
      return {
        fields,
        event: stripUndefined({
          ...base,
          kind: 'external_contact',
          changeType: s('ChangeType'),
          userId: s('UserID'),
          externalUserId: s('ExternalUserID'),
          state: opt('State'),
          welcomeCode: opt('WelcomeCode'),
          source: opt('Source'),
          failReason: opt('FailReason'),
        }),
      };
    case 'change_external_tag':
      return {
        fields,
        event: stripUndefined({
          ...base,
          kind: 'external_tag',
          changeType: s('ChangeType'),
          id: s('Id'),
          tagType: s('TagType'),
          strategyId: opt('StrategyId'),
        }),
      };
    case 'change_external_chat':
      return {
        fields,
        event: stripUndefined({
          ...base,
          kind: 'external_chat',
          changeType: s('ChangeType'),
          chatId: s('ChatId'),
          updateDetail: opt('UpdateDetail'),
          joinScene: opt('JoinScene'),
          quitScene: opt('QuitScene'),
          memChangeCnt: opt('MemChangeCnt'),
          memChangeList: itemsOf(fields, 'MemChangeList'),
          lastMemVer: opt('LastMemVer'),
          curMemVer: opt('CurMemVer'),
        }),
      };
    case 'kf_msg_or_event':
      return { fields, event: { ...base, kind: 'kf_msg_or_event', token: s('Token'), openKfId: s('OpenKfId') } };
    default:
      return {
        fields,
        event: stripUndefined({ ...base, kind: 'unknown', msgType, event: eventName || undefined, changeType: opt('ChangeType') }),
      };
  }
}

/** `<List><Item>a</Item><Item>b</Item></List>` → ['a', 'b']; undefined when absent. */
function itemsOf(fields: XmlRecord, name: string): string[] | undefined {
  const list = fields[name];
  if (list === undefined || typeof list === 'string' || Array.isArray(list)) return undefined;
  const items = list['Item'];
  if (typeof items === 'string') return [items];
  if (Array.isArray(items)) return items.filter((item): item is string => typeof item === 'string');
  return undefined;
}

function stripUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
