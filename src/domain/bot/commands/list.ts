import type { BotCommand, BotContext } from '../command-registry.ts';
import { detailById } from '../customer-detail.ts';
import { displayName, followUpPhrase, inScope, repOf } from '../customer-view.ts';
import { echo } from '../answer.ts';

/** Customers listed when `n` is not given. */
export const DEFAULT_LIST_LIMIT = 10;

/** 全公司 / 你名下 / zhangwei 名下. */
export function whoseCustomers(ctx: BotContext): string {
  const { scope } = ctx;
  return scope.kind === 'corp' ? '全公司' : scope.rep === ctx.member.userId ? '你名下' : `${scope.rep} 名下`;
}

/**
 * 名单 B [rep] [n]: a tier's customers in scope, the most urgent first. Urgency is the
 * follow-up due date (most overdue first); within a tier the cadence is one, so that is
 * also "longest since our last contact" (the follow-up anchor: the last outbound contact,
 * else when the customer entered the tier). Customers who get no follow-up (left, no
 * active relation) come last. Numbered: a bare number or `客户 3` shows that customer.
 */
export const listCommand: BotCommand<'list'> = {
  id: 'list',
  roles: ['manager', 'rep'],
  async run(ctx, args) {
    const limit = args.limit ?? DEFAULT_LIST_LIMIT;
    const whose = whoseCustomers(ctx);
    const { records, total } = await ctx.customers.byUrgency(args.tier, repOf(ctx.scope), limit);
    // The index may be a moment behind a record: show only what the record itself says.
    const shown = records.filter((r) => inScope(r, ctx.scope) && r.tier?.tier === args.tier);
    if (shown.length === 0) return { text: `${whose}目前没有 ${args.tier} 类客户。发送「分级」看看各等级的人数。` };
    const tz = ctx.outlook.timeZone;
    const lines = [`${whose}的 ${args.tier} 类客户共 ${total} 位，最该跟进的${shown.length < total ? ` ${shown.length} 位` : '排在前面'}：`];
    shown.forEach((r, i) => {
      const blocked = ctx.outlook.blocked(r);
      const dueAt = blocked ? null : ctx.outlook.followUpDueAt(r);
      const state = blocked ? '不自动跟进' : dueAt === null ? '不定期跟进' : `跟进 ${followUpPhrase(dueAt, ctx.now, tz)}`;
      lines.push(`${i + 1}. ${displayName(r, ctx.scope)} · ${state}`, `   原因：${echo(r.tier?.reasons[0] ?? '—', 60)}`);
    });
    lines.push('排在前面的是跟进到期最早（逾期最久）的，也就是离上次联系最久的。', '回复序号（或「客户 1」）查看详情。');
    const options = shown.map((r) => ({ label: displayName(r, ctx.scope), value: r.contact.externalUserId }));
    return { text: lines.join('\n'), choice: { command: 'list', options } };
  },
  choose: (ctx, value) => detailById(ctx, value),
};
