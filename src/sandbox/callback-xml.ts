/**
 * Inner (decrypted) callback XML as WeCom sends it (WECOM.md §2). Strings go in CDATA;
 * CreateTime, MsgId and AgentID are bare integers, as in WeCom's samples.
 */

/** Wraps text in CDATA, splitting any `]]>` so the section cannot be closed early. */
export function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

type Field = readonly [name: string, value: string | number | undefined];

/** Builds `<xml>` from ordered fields; numbers stay bare, strings become CDATA, undefined is skipped. */
function xml(fields: readonly Field[]): string {
  const body = fields
    .filter((f): f is readonly [string, string | number] => f[1] !== undefined)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('');
  return `<xml>${body}</xml>`;
}

/** Fields every change_external_contact event carries (§2.2). */
export interface ContactEventBase {
  corpId: string;
  /** Seconds since the epoch. */
  createTime: number;
  userId: string;
  externalUserId: string;
}

function contactEvent(base: ContactEventBase, changeType: string, extra: readonly Field[] = []): string {
  return xml([
    ['ToUserName', base.corpId],
    ['FromUserName', 'sys'],
    ['CreateTime', base.createTime],
    ['MsgType', 'event'],
    ['Event', 'change_external_contact'],
    ['ChangeType', changeType],
    ['UserID', base.userId],
    ['ExternalUserID', base.externalUserId],
    ...extra,
  ]);
}

/** A rep added a customer; `State` and `WelcomeCode` are omitted when absent, as at WeCom. */
export function addExternalContactXml(e: ContactEventBase & { state?: string; welcomeCode?: string }): string {
  return contactEvent(e, 'add_external_contact', [
    ['State', e.state || undefined],
    ['WelcomeCode', e.welcomeCode],
  ]);
}

/** A rep edited remark, description or enterprise tags in the client. */
export function editExternalContactXml(e: ContactEventBase): string {
  return contactEvent(e, 'edit_external_contact');
}

/** The rep deleted the customer; `Source` is DELETE_BY_TRANSFER for 在职继承 removals. */
export function delExternalContactXml(e: ContactEventBase & { source?: string }): string {
  return contactEvent(e, 'del_external_contact', [['Source', e.source]]);
}

/** The customer deleted the rep (the one-way relation remains). */
export function delFollowUserXml(e: ContactEventBase): string {
  return contactEvent(e, 'del_follow_user');
}

/** kf_msg_or_event: no content, only a Token for kf/sync_msg and the kf account (§2.5). */
export function kfMsgOrEventXml(e: { corpId: string; createTime: number; token: string; openKfId: string }): string {
  return xml([
    ['ToUserName', e.corpId],
    ['CreateTime', e.createTime],
    ['MsgType', 'event'],
    ['Event', 'kf_msg_or_event'],
    ['Token', e.token],
    ['OpenKfId', e.openKfId],
  ]);
}

/** A member typed a text message into the app (§2.1); MsgId is a 64-bit integer string. */
export function appTextMessageXml(e: {
  corpId: string;
  fromUser: string;
  createTime: number;
  content: string;
  msgId: string;
  agentId: number;
}): string {
  // MsgId goes out as digits without CDATA; it is a string here only to keep 64 bits.
  const head = xml([
    ['ToUserName', e.corpId],
    ['FromUserName', e.fromUser],
    ['CreateTime', e.createTime],
    ['MsgType', 'text'],
    ['Content', e.content],
  ]);
  return head.replace('</xml>', `<MsgId>${/^\d+$/.test(e.msgId) ? e.msgId : cdata(e.msgId)}</MsgId><AgentID>${e.agentId}</AgentID></xml>`);
}
