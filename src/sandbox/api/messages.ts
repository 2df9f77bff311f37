import { newOpaqueId } from '../ids.ts';
import { int, obj, str } from './params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './types.ts';

/** Message types whose body is `{content}` and must not be empty. */
const CONTENT_TYPES = new Set(['text', 'markdown']);
/** WeCom delivers at most this many bytes of a text or markdown message's content and drops the rest (docs/wecom/api.md, 'App messages'). */
const CONTENT_MAX_BYTES = 2048;

/** The first `max` UTF-8 bytes of `text`, whole characters only, as WeCom truncates. */
function truncateBytes(text: string, max: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= max) return text;
  let out = '';
  let size = 0;
  for (const ch of text) {
    size += encoder.encode(ch).length;
    if (size > max) break;
    out += ch;
  }
  return out;
}

/**
 * POST message/send: an app message to members (docs/wecom/api.md, 'App messages'). Partial success is
 * errcode 0 with the bad ids in invaliduser; all receivers bad is 81013. Text beyond
 * 2,048 bytes is cut off, as WeCom does (silently). The per-member
 * 30/min cap, which WeCom enforces by silently dropping, is not modelled.
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
  const delivered = CONTENT_TYPES.has(msgtype) ? { ...ctx.body, [msgtype]: { ...content, content: truncateBytes(str(content, 'content')!, CONTENT_MAX_BYTES) } } : ctx.body;
  ctx.state.appMessages.push({ msgid, agentid: agentId, touser: valid, msgtype, body: delivered, sent_at: ctx.clock.now() });
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
