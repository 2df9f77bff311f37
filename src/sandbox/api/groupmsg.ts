import { newMsgTemplateId } from '../ids.ts';
import type { SandboxState } from '../state.ts';
import type { FollowRelation, MsgTemplateRecipient } from '../types.ts';
import { decodeCursor, encodeCursor, limitParam, obj, str, strList } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** Tag filter: every `group_list` entry must match at least one of its tags. */
function tagFilter(body: Record<string, unknown>): (r: FollowRelation) => boolean {
  const filter = obj(body, 'tag_filter');
  const groups = Array.isArray(filter?.['group_list']) ? (filter['group_list'] as unknown[]) : [];
  const tagLists = groups
    .map((g) => (g !== null && typeof g === 'object' ? strList(g as Record<string, unknown>, 'tag_list') : []))
    .filter((l) => l.length > 0);
  return (r) => tagLists.every((list) => list.some((id) => r.tag_ids.includes(id)));
}

/** The rep a customer's mass message goes to: WeCom picks the one who interacted last. */
function latestRelation(state: SandboxState, externalUserId: string): FollowRelation | undefined {
  return state.relationsOfContact(externalUserId).sort((a, b) => b.createtime - a.createtime)[0];
}

/**
 * POST externalcontact/add_msg_template (single chats only). It only creates a task: each
 * recipient stays status 0 until the rep confirms, which the control API's
 * simulate/confirm-groupmsg plays. The monthly per-customer cap is not modelled.
 */
function addMsgTemplate(ctx: ApiContext): ApiResult {
  const chatType = str(ctx.body, 'chat_type') ?? 'single';
  if (chatType !== 'single') {
    return fail(ERR.invalidParam, 'sandbox: only chat_type "single" is implemented');
  }
  const sender = str(ctx.body, 'sender');
  const targets = strList(ctx.body, 'external_userid');
  if (!sender && targets.length === 0) {
    return fail(ERR.invalidParam, 'external_userid and sender are both empty');
  }
  if (targets.length > 10_000) {
    return fail(ERR.invalidParam, 'at most 10000 external_userid');
  }
  if (sender && !ctx.state.reps.has(sender)) {
    return fail(ERR.userNotFound, 'invalid sender');
  }
  const text = obj(ctx.body, 'text');
  const attachments = Array.isArray(ctx.body['attachments']) ? ctx.body['attachments'] : [];
  if (!(text && str(text, 'content')) && attachments.length === 0) {
    return fail(ERR.invalidParam, 'text.content or attachments required');
  }
  const matches = tagFilter(ctx.body);
  const failList: string[] = [];
  let relations: FollowRelation[];
  if (targets.length > 0) {
    relations = [];
    for (const id of new Set(targets)) {
      const relation = sender ? ctx.state.relation(sender, id) : latestRelation(ctx.state, id);
      if (relation) {
        relations.push(relation);
      } else {
        failList.push(id);
      }
    }
  } else {
    relations = ctx.state.relationsOfRep(sender!);
  }
  relations = relations.filter(matches);
  if (relations.length === 0) {
    return fail(ERR.noReceiver, 'no customer can receive the message');
  }
  const msgid = newMsgTemplateId();
  const recipients: MsgTemplateRecipient[] = relations.map((r) => ({ external_userid: r.external_userid, userid: r.userid, status: 0 }));
  ctx.state.msgTemplates.set(msgid, { msgid, chat_type: chatType, sender: sender ?? '', body: ctx.body, created_at: ctx.clock.now(), recipients });
  return ok({ fail_list: failList, msgid });
}

/**
 * POST externalcontact/cancel_groupmsg_send {msgid}: the unsent parts of a task are
 * stopped (a later confirmation sends nothing); what was sent stays sent.
 */
function cancelGroupMsgSend(ctx: ApiContext): ApiResult {
  const msgid = str(ctx.body, 'msgid');
  const template = msgid ? ctx.state.msgTemplates.get(msgid) : undefined;
  if (!template) {
    return fail(ERR.invalidParam, 'invalid msgid');
  }
  template.cancelled = true;
  return ok({});
}

const isOffset = (v: unknown): v is { o: number } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { o: unknown }).o);

/** POST externalcontact/get_groupmsg_send_result {msgid, userid, limit ≤1000 (500), cursor}. */
function getGroupMsgSendResult(ctx: ApiContext): ApiResult {
  const msgid = str(ctx.body, 'msgid');
  const userid = str(ctx.body, 'userid');
  const template = msgid ? ctx.state.msgTemplates.get(msgid) : undefined;
  if (!template) {
    return fail(ERR.invalidParam, 'invalid msgid');
  }
  if (!userid) {
    return fail(ERR.invalidParam, 'userid required');
  }
  const limit = limitParam(ctx.body, 500, 1000);
  if (limit === undefined) {
    return fail(ERR.invalidParam, 'limit must be 1..1000');
  }
  const rawCursor = str(ctx.body, 'cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor, isOffset) : { o: 0 };
  if (!cursor) {
    return fail(ERR.invalidParam, 'invalid cursor');
  }
  // A task's recipient list never changes, so an offset cursor is stable here.
  const mine = template.recipients.filter((r) => r.userid === userid);
  const page = mine.slice(cursor.o, cursor.o + limit);
  const end = cursor.o + page.length;
  return ok({
    send_list: page.map((r) => ({ ...r })),
    next_cursor: end < mine.length ? encodeCursor({ o: end }) : '',
  });
}

const isIndex = (v: unknown): v is { i: number } =>
  v !== null && typeof v === 'object' && Number.isInteger((v as { i?: unknown }).i) && (v as { i: number }).i >= 0;

/**
 * POST externalcontact/get_groupmsg_list_v2 {chat_type, start_time, end_time (s), creator?,
 * filter_type?, limit ≤100 (50), cursor}: tasks created in the span, oldest first. Every
 * task here is created through the API, so create_type is 0 (corp); filter_type 1 finds none.
 */
function getGroupMsgListV2(ctx: ApiContext): ApiResult {
  const start = Number(ctx.body['start_time']);
  const end = Number(ctx.body['end_time']);
  if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) {
    return fail(ERR.invalidParam, 'start_time and end_time required, start_time ≤ end_time');
  }
  if (end - start > 31 * 86_400) {
    return fail(ERR.invalidParam, 'the span may not exceed one month');
  }
  const limit = limitParam(ctx.body, 50, 100);
  if (limit === undefined) {
    return fail(ERR.invalidParam, 'limit must be 1..100');
  }
  const rawCursor = str(ctx.body, 'cursor');
  const cursor = rawCursor ? decodeCursor(rawCursor, isIndex) : { i: 0 };
  if (!cursor) {
    return fail(ERR.invalidParam, 'invalid cursor');
  }
  const creator = str(ctx.body, 'creator');
  const chatType = str(ctx.body, 'chat_type') ?? 'single';
  const filter = Number(ctx.body['filter_type'] ?? 2);
  const matching = filter === 1 ? [] : [...ctx.state.msgTemplates.values()]
    .filter((t) => t.chat_type === chatType && (!creator || t.sender === creator))
    .filter((t) => Math.floor(t.created_at / 1000) >= start && Math.floor(t.created_at / 1000) <= end)
    .sort((a, b) => a.created_at - b.created_at);
  const page = matching.slice(cursor.i, cursor.i + limit);
  const next = cursor.i + page.length;
  return ok({
    group_msg_list: page.map((t) => ({
      msgid: t.msgid, creator: t.sender, create_time: Math.floor(t.created_at / 1000), create_type: 0,
      ...(obj(t.body, 'text') ? { text: obj(t.body, 'text') } : {}),
    })),
    next_cursor: next < matching.length ? encodeCursor({ i: next }) : '',
  });
}

export const groupMsgRoutes: ApiRoute[] = [
  { path: '/cgi-bin/externalcontact/get_groupmsg_list_v2', auth: true, handler: getGroupMsgListV2 },
  { path: '/cgi-bin/externalcontact/add_msg_template', auth: true, handler: addMsgTemplate },
  { path: '/cgi-bin/externalcontact/get_groupmsg_send_result', auth: true, handler: getGroupMsgSendResult },
  { path: '/cgi-bin/externalcontact/cancel_groupmsg_send', auth: true, handler: cancelGroupMsgSend },
];
