import { createHash } from 'node:crypto';
import { newOpaqueId } from './ids.ts';
import { str } from './api/params.ts';
import { ERR, fail, ok, type ApiContext, type ApiResult, type ApiRoute } from './api/types.ts';

/** A response_url serves one reply, for an hour (docs/wecom/aibot.md, 'Replying'). */
export const RESPONSE_URL_TTL_MS = 3600_000;
/** markdown.content of a response_url reply: at most 20480 bytes (same section). */
const REPLY_MAX_BYTES = 20_480;

/** One response_url the sandbox's 智能机器人 handed out, and the reply it got. */
export interface AibotResponseSlot {
  response_code: string;
  /** The member's plain userid (even when the callback carried an open_userid). */
  userid: string;
  chattype: 'single' | 'group';
  chatid?: string;
  msgid: string;
  issued_at: number;
  reply?: { msgtype: string; content: string | null; at: number };
  /** Calls refused on this URL (a second use, after the hour, a bad body). */
  refused: number;
}

/**
 * The sandbox's 智能机器人: the response_urls it issued (with what was replied on each) and
 * the encrypted open_userids it sent in place of userids. Kept in memory only, not in the
 * saved corp: a response_url is dead within the hour anyway.
 */
export class AibotSandbox {
  readonly slots = new Map<string, AibotResponseSlot>();
  /** open_userid → userid, for batch/openuserid_to_userid. */
  readonly openUserIds = new Map<string, string>();

  issue(input: { userid: string; chattype: 'single' | 'group'; chatid?: string; msgid: string; now: number }): AibotResponseSlot {
    const slot: AibotResponseSlot = {
      response_code: newOpaqueId(40), userid: input.userid, chattype: input.chattype, msgid: input.msgid, issued_at: input.now, refused: 0,
      ...(input.chatid ? { chatid: input.chatid } : {}),
    };
    this.slots.set(slot.response_code, slot);
    return slot;
  }

  /** The member's open_userid as this sandbox's bot would send it: opaque, stable per member. */
  openUserIdOf(userid: string): string {
    const id = `wo${createHash('sha256').update(`fenji-sandbox-aibot:${userid}`).digest('base64url').slice(0, 30)}`;
    this.openUserIds.set(id, userid);
    return id;
  }

  clear(): void {
    this.slots.clear();
    this.openUserIds.clear();
  }
}

/**
 * POST /cgi-bin/aibot/response?response_code=: the one reply to a 智能机器人 message (no
 * access_token: the code is the credential). markdown, or template_card in a 1:1 chat only.
 * The errcodes of this endpoint are not documented (docs/wecom/aibot.md, 'Unconfirmed'):
 * the sandbox answers a used, expired or unknown code with ERR.aibotResponseCodeInvalid.
 */
function aibotResponse(ctx: ApiContext): ApiResult {
  const slot = ctx.state.aibot.slots.get(ctx.query.get('response_code') ?? '');
  if (!slot) return fail(ERR.aibotResponseCodeInvalid, 'invalid response_code');
  const now = ctx.clock.now();
  const refuse = (errcode: number, errmsg: string): ApiResult => ((slot.refused += 1), fail(errcode, errmsg));
  if (slot.reply) return refuse(ERR.aibotResponseCodeInvalid, 'response_code already used');
  if (now - slot.issued_at > RESPONSE_URL_TTL_MS) return refuse(ERR.aibotResponseCodeInvalid, 'response_code expired');
  const msgtype = str(ctx.body, 'msgtype');
  if (msgtype === 'template_card' && slot.chattype === 'single') {
    slot.reply = { msgtype, content: null, at: now };
    return ok();
  }
  if (msgtype !== 'markdown') return refuse(ERR.invalidParam, 'msgtype must be markdown (or template_card in a single chat)');
  const markdown = ctx.body['markdown'] as Record<string, unknown> | undefined;
  const content = markdown ? str(markdown, 'content') : undefined;
  if (!content) return refuse(ERR.invalidParam, 'markdown.content is empty');
  if (Buffer.byteLength(content, 'utf8') > REPLY_MAX_BYTES) return refuse(ERR.invalidParam, `markdown.content exceeds ${REPLY_MAX_BYTES} bytes`);
  slot.reply = { msgtype, content, at: now };
  return ok();
}

/**
 * POST batch/openuserid_to_userid {open_userid_list ≤1000} (docs/wecom/aibot.md, 'Who is
 * asking'): the bot's open_userids back to userids; a plain userid of a member comes back as itself.
 */
function openUserIdToUserId(ctx: ApiContext): ApiResult {
  const list = ctx.body['open_userid_list'];
  if (!Array.isArray(list) || list.length === 0 || list.length > 1000) return fail(ERR.invalidParam, 'open_userid_list must hold 1 to 1000 ids');
  const userid_list: { open_userid: string; userid: string }[] = [];
  const invalid_open_userid_list: string[] = [];
  for (const id of list.map(String)) {
    const userid = ctx.state.aibot.openUserIds.get(id) ?? (ctx.state.reps.has(id) ? id : undefined);
    if (userid) userid_list.push({ open_userid: id, userid });
    else invalid_open_userid_list.push(id);
  }
  return ok({ userid_list, invalid_open_userid_list });
}

export const aibotRoutes: ApiRoute[] = [
  { path: '/cgi-bin/aibot/response', auth: false, handler: aibotResponse },
  { path: '/cgi-bin/batch/openuserid_to_userid', auth: true, handler: openUserIdToUserId },
];
