import type { InteractionChannel } from '../../contacts/contact.ts';
import type { ContactRecord } from '../../ports.ts';
import { echo, type Answer } from '../answer.ts';
import type { BotCommand, BotContext } from '../command-registry.ts';
import { choiceAnswer, displayName, findCustomers, followUpPhrase, inScope } from '../customer-view.ts';

/** The words that say how the rep reached the customer; the first that matches wins. */
const CHANNEL_WORDS: readonly [Exclude<InteractionChannel, 'kf' | 'push' | 'greeting'>, RegExp][] = [
  ['visit', /拜访|上门|面谈|面访|见面|到访|来访|登门|当面|会面|visit|meeting/iu],
  ['call', /电话|致电|通话|打给|来电|语音|call|phone/iu],
  ['message', /微信|消息|短信|留言|邮件|私信|message|wechat|email/iu],
];

export const CHANNEL_LABELS: Record<'visit' | 'call' | 'message', string> = { visit: '拜访', call: '电话沟通', message: '消息沟通' };

/** The channel a note names (电话 → call, 拜访 → visit, 微信 → message); a call when it names none: the usual offline contact. */
export function guessChannel(note: string): 'visit' | 'call' | 'message' {
  return CHANNEL_WORDS.find(([, words]) => words.test(note))?.[0] ?? 'call';
}

/** What a numbered choice of 记录 carries: the customer and the original message's note and id. */
interface PendingLog { id: string; note: string; msg: string; at: number }

/**
 * 记录 张三 电话沟通，下周报价: an offline contact as an outbound interaction of the asker
 * (it counts for tiers and moves the follow-up), idempotent by the message's MsgId: a
 * replayed callback, a retried job or picking the same number twice records once. The
 * note's words choose the channel; the note itself is not stored (interactions keep no text).
 */
export const logCommand: BotCommand<'log'> = {
  id: 'log',
  roles: ['manager', 'rep'],
  async run(ctx, args) {
    const found = await findCustomers(ctx, args.name);
    if (found.kind === 'none') return { text: `${found.text}\n这次没有记录任何内容。` };
    if (found.kind === 'one') return record(ctx, found.record, { id: found.record.contact.externalUserId, note: args.note, msg: ctx.messageId, at: ctx.now });
    const intro = `名字或备注里有「${echo(args.name)}」的客户不止一位，这次沟通记在哪一位名下？`;
    return choiceAnswer('log', intro, found, ctx.scope, (r) => JSON.stringify({ id: r.contact.externalUserId, note: args.note, msg: ctx.messageId, at: ctx.now } satisfies PendingLog));
  },
  async choose(ctx, value) {
    const pending = JSON.parse(value) as PendingLog;
    const found = await ctx.customers.get(pending.id);
    if (!found || !inScope(found, ctx.scope)) return { text: '没有找到这位客户（可能已经不在你的名单里了），这次没有记录。' };
    return record(ctx, found, pending);
  },
};

async function record(ctx: BotContext, customer: ContactRecord, log: PendingLog): Promise<Answer> {
  const channel = guessChannel(log.note);
  const outcome = await ctx.writes.recordContact({
    id: `bot-log-${log.msg}`, externalUserId: log.id, direction: 'outbound', channel, at: log.at, userId: ctx.member.userId,
  });
  if (outcome === 'unknown_contact') return { text: '没有找到这位客户，这次没有记录。' };
  const name = displayName(customer, ctx.scope);
  const after = (await ctx.customers.get(log.id)) ?? customer;
  const dueAt = ctx.outlook.followUpDueAt(after);
  const lines = [
    outcome === 'added' ? `已记录：${CHANNEL_LABELS[channel]} · ${name}` : `这条已经记录过了：${CHANNEL_LABELS[channel]} · ${name}`,
    `内容：${echo(log.note, 60)}`,
    `这次联系会计入客户分级${after.tier ? `（现在是 ${after.tier.tier} 类）` : ''}。`,
  ];
  if (dueAt !== null && !ctx.outlook.blocked(after)) lines.push(`下次跟进：${followUpPhrase(dueAt, ctx.now, ctx.outlook.timeZone)}`);
  return { text: lines.join('\n') };
}
