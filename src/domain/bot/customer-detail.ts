import { GRADE_LABELS, QUADRANT_LABELS, effectiveValue } from '../value/value-score.ts';
import { LIFECYCLE_LABELS } from '../tiers/lifecycle.ts';
import type { ContactRecord } from '../ports.ts';
import { echo, type Answer } from './answer.ts';
import type { BotContext } from './command-registry.ts';
import { daysFromToday, displayName, followUpPhrase, inScope, monthDay, relativeDay } from './customer-view.ts';

/** How far ahead 客户 looks for the next greeting (a birthday can be a year away: then it says so). */
export const GREETING_HORIZON_DAYS = 120;

/** Why Fenji sends a customer nothing automated, as a rep reads it. */
export const BLOCKED_LABELS = {
  customer_left: '客户已删除好友，不再自动发送',
  no_rep: '没有在跟进的销售，不再自动发送',
  opted_out: '客户已退订自动消息，不再自动发送',
  churned: '已流失，不再自动发送',
} as const;

/** The answer for a customer the member picked from a list: re-read and re-checked against the scope. */
export async function detailById(ctx: BotContext, externalUserId: string): Promise<Answer> {
  const record = await ctx.customers.get(externalUserId);
  if (!record || !inScope(record, ctx.scope)) return { text: '没有找到这位客户（可能已经不在你的名单里了）。请重新查询。' };
  return { text: customerDetail(ctx, record) };
}

/**
 * One customer as a rep wants to read it: tier and why, value and lifecycle, when we last
 * heard from each other, and what Fenji does next (follow-up, greeting). The corp also
 * sees who follows the customer up.
 */
export function customerDetail(ctx: BotContext, record: ContactRecord): string {
  const { now, outlook, scope } = ctx;
  const tz = outlook.timeZone;
  const { tier, engagement } = record;
  const lines = [`【${displayName(record, scope)}】${tier ? `${tier.tier} 类客户` : '还没有分级'}`];
  if (tier) {
    lines.push(`${tier.source === 'override' ? '等级由人工设定' : '分级原因'}：${tier.reasons.map((r) => echo(r, 80)).join('；') || '—'}`);
    lines.push(`生命周期：${LIFECYCLE_LABELS[tier.lifecycle]}，${monthDay(tier.since, tz)}起在 ${tier.tier} 类`);
  }
  const value = effectiveValue(record.value, record.orders.count);
  const valueText = value === null ? '待评估' : `${GRADE_LABELS[value.grade]}${value.quadrant ? ` · ${QUADRANT_LABELS[value.quadrant]}象限` : ''}`;
  const orders = record.orders.count === 0 ? '还没有订单' : `订单 ${record.orders.count} 笔，共 ${Math.round(record.orders.amount).toLocaleString('en-US')} 元`;
  lines.push(`价值：${valueText}（${orders}）`);
  const heard = engagement.inbound.at(-1);
  const reached = engagement.pushes.at(-1);
  lines.push(`最近联系：客户上次发消息 ${heard === undefined ? '—' : dayAndAgo(heard, now, tz)}；我们上次跟进 ${reached === undefined ? '—' : dayAndAgo(reached, now, tz)}`);
  const blocked = outlook.blocked(record);
  if (blocked) {
    lines.push(`自动跟进和问候：${BLOCKED_LABELS[blocked]}`);
  } else {
    const dueAt = outlook.followUpDueAt(record);
    lines.push(`下次跟进：${dueAt === null ? (tier ? `${tier.tier} 类不安排定期跟进` : '分级后再安排') : followUpPhrase(dueAt, now, tz)}`);
    const greeting = outlook.nextGreeting(record, now, GREETING_HORIZON_DAYS);
    lines.push(`下次问候：${greeting ? `${greeting.labels.join('、')} · ${monthDay(greeting.at, tz)}（${relativeDay(daysFromToday(greeting.at, now, tz))}）` : `未来 ${GREETING_HORIZON_DAYS} 天内没有`}`);
  }
  if (scope.kind === 'corp') {
    const reps = record.contact.follows.filter((f) => f.status === 'active').map((f) => f.userId);
    lines.push(`跟进销售：${reps.length > 0 ? reps.join('、') : '无'}`);
  }
  if (record.optOut && !blocked) lines.push('客户已退订自动消息。');
  return lines.join('\n');
}

function dayAndAgo(ms: number, now: number, tz: string): string {
  return `${monthDay(ms, tz)}（${relativeDay(daysFromToday(ms, now, tz))}）`;
}
