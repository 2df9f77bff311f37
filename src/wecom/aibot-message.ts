import { z } from 'zod';
import { CallbackUnusableError } from '../shared/errors.ts';

/**
 * One member's text to the 智能机器人, as Fenji needs it (docs/wecom/aibot.md, 'Message
 * JSON'): who, where (a 1:1 chat or a group that @mentioned the bot), what, and the
 * one-shot URL to answer on.
 */
export interface AibotMessage {
  /** WeCom's msgid: unique per message, the same on a re-sent callback (the dedupe key). */
  msgId: string;
  chatType: 'single' | 'group';
  /** Only in a group. */
  chatId?: string;
  /** from.userid as WeCom sent it: a userid, or an encrypted open_userid (docs/wecom/aibot.md, 'Who is asking'). */
  fromUserId: string;
  /** Answer here, once, within the hour (docs/wecom/aibot.md, 'Replying'). */
  responseUrl: string;
  /** The text as typed (a group's leading @mention included; the bot's parser drops it). */
  text: string;
}

const messageSchema = z.object({
  msgid: z.string().min(1).max(256),
  chattype: z.enum(['single', 'group']),
  chatid: z.string().max(256).optional(),
  from: z.object({ userid: z.string().min(1).max(256) }),
  response_url: z.string().max(2048).optional(),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional(),
  voice: z.object({ content: z.string() }).optional(),
  mixed: z.object({ msg_item: z.array(z.object({ msgtype: z.string(), text: z.object({ content: z.string() }).optional() })) }).optional(),
});

/**
 * The message Fenji answers, or null for what it does not: events (enter_chat,
 * feedback_event…), stream refreshes (Fenji never opens a stream), images and files.
 * @throws CallbackUnusableError for a message Fenji would answer but cannot (no msgid,
 * no sender, no response_url): signed by WeCom, so a re-send would be the same.
 */
export function parseAibotMessage(json: unknown): AibotMessage | null {
  const msgtype = (json as { msgtype?: unknown } | null)?.msgtype;
  if (msgtype !== 'text' && msgtype !== 'mixed' && msgtype !== 'voice') return null;
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path.join('.') ?? 'message');
    throw new CallbackUnusableError(field, `智能机器人 message without a usable ${field}`);
  }
  const m = parsed.data;
  if (!m.response_url) throw new CallbackUnusableError('response_url', '智能机器人 message without response_url: nowhere to answer');
  return {
    msgId: m.msgid,
    chatType: m.chattype,
    ...(m.chattype === 'group' && m.chatid ? { chatId: m.chatid } : {}),
    fromUserId: m.from.userid,
    responseUrl: m.response_url,
    text: textOf(m),
  };
}

/** A mixed message's text items joined (its images are not read); voice is WeCom's transcript. */
function textOf(m: z.infer<typeof messageSchema>): string {
  if (m.msgtype === 'text') return m.text?.content ?? '';
  if (m.msgtype === 'voice') return m.voice?.content ?? '';
  return (m.mixed?.msg_item ?? []).flatMap((item) => (item.msgtype === 'text' && item.text ? [item.text.content] : [])).join(' ');
}
