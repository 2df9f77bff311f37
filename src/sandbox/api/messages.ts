import { newOpaqueId } from '../ids.ts';
import { int, obj, str } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** Message types whose body is `{content}` and must not be empty. */
const CONTENT_TYPES = new Set(['text', 'markdown']);
/** Message types whose body is `{media_id}` from media/upload (docs/wecom/api.md, 'Media upload'). */
const MEDIA_TYPES = new Set(['image', 'voice', 'video', 'file']);
/** WeCom's limits for one member (docs/wecom/api.md, 'App messages'): 30 app messages a minute, content of 2048 bytes. */
const PER_MEMBER_PER_MINUTE = 30;
const CONTENT_MAX_BYTES = 2048;

/** The first `max` bytes of `s` in UTF-8, cut before a character that would not fit whole. */
function truncateUtf8(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

/**
 * POST message/send: an app message to members (docs/wecom/api.md, 'App messages'). Partial success is
 * errcode 0 with the bad ids in invaliduser; all receivers bad is 81013. As WeCom does, a
 * member who already got 30 app messages in the last minute does not get this one, and
 * nothing says so (errcode 0; the sandbox records it as `dropped`); content over 2048
 * bytes is cut (recorded as `truncated`). An image, voice, video or file message needs a
 * media_id from media/upload that is less than 3 days old (40007 otherwise).
 */
function messageSend(ctx: ApiContext): ApiResult {
  const agentId = int(ctx.body, 'agentid');
  if (agentId !== ctx.credentials.agentId) {
    return fail(ERR.invalidAgentId, 'invalid agentid');
  }
  const msgtype = str(ctx.body, 'msgtype');
  const content = msgtype ? obj(ctx.body, msgtype) : undefined;
  if (!msgtype || !content) {
    return fail(ERR.invalidParam, 'msgtype and its body are required');
  }
  if (CONTENT_TYPES.has(msgtype) && !str(content, 'content')) {
    return fail(ERR.invalidParam, `${msgtype}.content is empty`);
  }
  // A media message needs a media_id uploaded less than 3 days ago.
  if (MEDIA_TYPES.has(msgtype) && !ctx.state.freshMedia(str(content, 'media_id') ?? '')) {
    return fail(ERR.invalidMediaId, 'invalid media_id');
  }
  const touser = (str(ctx.body, 'touser') ?? '').split('|').filter(Boolean);
  const parties = (str(ctx.body, 'toparty') ?? '').split('|').filter(Boolean);
  const tags = (str(ctx.body, 'totag') ?? '').split('|').filter(Boolean);
  const valid = touser.includes('@all') ? [...ctx.state.reps.keys()] : touser.filter((u) => ctx.state.reps.has(u));
  const invalid = touser.filter((u) => u !== '@all' && !ctx.state.reps.has(u));
  // The sandbox corp has no departments or member tags: every party and tag is invalid.
  if (valid.length === 0) {
    return fail(ERR.allReceiversInvalid, 'all receivers are invalid or out of the app visibility');
  }
  const msgid = newOpaqueId(40);
  const now = ctx.clock.now();
  const received = (userid: string) => ctx.state.appMessages.filter((m) => m.sent_at > now - 60_000 && m.touser.includes(userid)).length;
  const delivered = valid.filter((u) => received(u) < PER_MEMBER_PER_MINUTE);
  const dropped = valid.filter((u) => !delivered.includes(u));
  let body = ctx.body;
  let truncated = false;
  const text = CONTENT_TYPES.has(msgtype) ? str(content, 'content') ?? '' : '';
  if (Buffer.byteLength(text, 'utf8') > CONTENT_MAX_BYTES) {
    truncated = true;
    body = { ...ctx.body, [msgtype]: { ...content, content: truncateUtf8(text, CONTENT_MAX_BYTES) } };
  }
  ctx.state.appMessages.push({
    msgid, agentid: agentId, touser: delivered, msgtype, body, sent_at: now,
    ...(dropped.length > 0 ? { dropped } : {}), ...(truncated ? { truncated } : {}),
  });
  return ok({ invaliduser: invalid.join('|'), invalidparty: parties.join('|'), invalidtag: tags.join('|'), msgid });
}

/**
 * POST externalcontact/send_welcome_msg {welcome_code, text?, attachments?}: once per
 * code, within 20 s of the add event (docs/wecom/api.md, 'Welcome message').
 */
function sendWelcomeMsg(ctx: ApiContext): ApiResult {
  const code = str(ctx.body, 'welcome_code');
  const welcome = code ? ctx.state.welcomeCodes.get(code) : undefined;
  if (!welcome) {
    return fail(ERR.welcomeCodeInvalid, 'invalid welcome_code');
  }
  if (welcome.used_at !== undefined) {
    return fail(ERR.welcomeCodeUsed, 'welcome_code already used');
  }
  if (!ctx.state.isWelcomeCodeFresh(welcome)) {
    return fail(ERR.welcomeCodeInvalid, 'welcome_code expired');
  }
  const text = obj(ctx.body, 'text');
  const attachments = Array.isArray(ctx.body['attachments']) ? ctx.body['attachments'] : [];
  if (!(text && str(text, 'content')) && attachments.length === 0) {
    return fail(ERR.invalidParam, 'text.content or attachments required');
  }
  if (attachments.length > 9) {
    return fail(ERR.invalidParam, 'at most 9 attachments');
  }
  welcome.used_at = ctx.clock.now();
  welcome.message = ctx.body;
  return ok();
}

export const messageRoutes: ApiRoute[] = [
  { path: '/cgi-bin/message/send', auth: true, handler: messageSend },
  { path: '/cgi-bin/externalcontact/send_welcome_msg', auth: true, handler: sendWelcomeMsg },
];
