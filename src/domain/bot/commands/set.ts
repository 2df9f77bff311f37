import { addDays, instantOf } from '../../followups/local-time.ts';
import type { ContactRecord } from '../../ports.ts';
import type { TierOverride } from '../../tiers/assess-tier.ts';
import type { Tier } from '../../tiers/policy.ts';
import { echo, type Answer } from '../answer.ts';
import type { BotCommand, BotContext } from '../command-registry.ts';
import { choiceAnswer, displayName, findCustomers, inScope } from '../customer-view.ts';

/** What a numbered choice of 调级 carries: the customer and the original message's arguments. */
interface PendingSet { id: string; tier: Tier; reason: string; until?: string; at: number }

/**
 * 调级 张三 A 已签合同 [至 2027-03-31]: a manual tier (an override: who, why, until) by the
 * same domain path as PUT /api/contacts/{id}/tier-override — set it, re-evaluate. Managers
 * always; reps only when `repsMaySet` (FENJI_BOT_REPS_MAY_SET), and then only for their own
 * customers (the scope: another rep's customer is not found). `至` a day holds through
 * that whole day (business time zone). Idempotent: a replay sets the same override.
 */
export function setCommand(options: { repsMaySet: boolean }): BotCommand<'set'> {
  return {
    id: 'set',
    roles: options.repsMaySet ? ['manager', 'rep'] : ['manager'],
    async run(ctx, args) {
      const pending: Omit<PendingSet, 'id'> = { tier: args.tier, reason: args.reason, at: ctx.now, ...(args.until ? { until: args.until } : {}) };
      if (pending.until !== undefined && untilOf(pending.until, ctx) <= ctx.now) {
        return { text: `截止日期 ${pending.until} 已经过去了，请写一个以后的日期，例如：调级 张三 A 已签合同 至 2027-03-31` };
      }
      const found = await findCustomers(ctx, args.name);
      if (found.kind === 'none') return { text: `${found.text}\n等级没有改动。` };
      if (found.kind === 'one') return apply(ctx, found.record, { ...pending, id: found.record.contact.externalUserId });
      const intro = `名字或备注里有「${echo(args.name)}」的客户不止一位，要调整哪一位？`;
      return choiceAnswer('set', intro, found, ctx.scope, (r) => JSON.stringify({ ...pending, id: r.contact.externalUserId } satisfies PendingSet));
    },
    async choose(ctx, value) {
      const pending = JSON.parse(value) as PendingSet;
      const found = await ctx.customers.get(pending.id);
      if (!found || !inScope(found, ctx.scope)) return { text: '没有找到这位客户（可能已经不在你的名单里了），等级没有改动。' };
      return apply(ctx, found, pending);
    },
  };
}

/** The last instant of the day `until` names, in the business time zone. */
function untilOf(until: string, ctx: BotContext): number {
  const [year, month, day] = until.split('-').map(Number) as [number, number, number];
  return instantOf(addDays({ year, month, day }, 1), 0, ctx.outlook.timeZone) - 1;
}

async function apply(ctx: BotContext, customer: ContactRecord, pending: PendingSet): Promise<Answer> {
  const override: TierOverride = {
    tier: pending.tier, by: ctx.member.userId, reason: pending.reason, at: pending.at,
    ...(pending.until !== undefined ? { until: untilOf(pending.until, ctx) } : {}),
  };
  const before = customer.tier?.tier;
  const after = await ctx.writes.setOverride(pending.id, override);
  if (!after) return { text: '没有找到这位客户，等级没有改动。' };
  const name = displayName(after, ctx.scope);
  const lines = [
    `已把 ${name} 调为 ${pending.tier} 类${before && before !== pending.tier ? `（原来是 ${before} 类）` : ''}。`,
    `原因：${echo(pending.reason, 60)}；调整人：${ctx.member.userId}；${pending.until ? `有效至 ${pending.until}，之后按规则重新分级` : '一直有效，直到有人改回'}。`,
  ];
  if (after.tier && after.tier.tier !== pending.tier) lines.push(`注意：现在生效的等级是 ${after.tier.tier} 类。`);
  return { text: lines.join('\n') };
}
