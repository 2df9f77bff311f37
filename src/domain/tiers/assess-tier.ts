import type { Engagement } from '../engagement/engagement.ts';
import { DAY_MS, type Tier, type TierPolicy } from './policy.ts';
import { formatDay } from './format-day.ts';

/** A manual tier (who, why, until when) that wins over the rules while it lasts. */
export interface TierOverride {
  tier: Tier;
  by: string;
  reason: string;
  at: number;
  /** ms; undefined = until removed. */
  until?: number;
}

export interface TierAssessment {
  tier: Tier;
  source: 'rules' | 'override';
  /** Why, in words a rep reads (zh-CN). */
  reasons: string[];
  /** When time alone can next change this tier (null: only a new fact can). */
  nextReviewAt: number | null;
}

/** One rule that held: until when (before grace), and why. */
interface Signal {
  tier: Tier;
  until: number;
  reason: string;
}

/**
 * The tier of one contact at `now`, from its facts alone: the same facts in any order give
 * the same tier. Hysteresis is a time rule, not a memory: a tier holds while its condition
 * was true at some moment in the last `graceDays`, so a customer on a threshold does not
 * flap, and the result stays a pure function of (facts, now).
 */
export function assessTier(
  e: Engagement,
  policy: TierPolicy,
  now: number,
  options: { override?: TierOverride; timeZone: string },
): TierAssessment {
  const { override, timeZone } = options;
  if (override && (override.until === undefined || override.until > now)) {
    const until = override.until === undefined ? '' : `，至 ${formatDay(override.until, timeZone)}`;
    return {
      tier: override.tier,
      source: 'override',
      reasons: [`人工设定（${override.by}）：${override.reason}${until}`],
      nextReviewAt: override.until ?? null,
    };
  }
  if (e.customerLeft) {
    return { tier: 'D', source: 'rules', reasons: ['客户已删除销售好友'], nextReviewAt: null };
  }
  const grace = policy.hysteresis.graceDays * DAY_MS;
  const signals = collectSignals(e, policy, now, timeZone).filter((s) => s.until + grace >= now);
  for (const tier of ['A', 'B', 'C'] as const) {
    const held = signals.filter((s) => s.tier === tier);
    if (held.length === 0) continue;
    const until = Math.max(...held.map((s) => s.until));
    const reasons = held.map((s) => s.reason);
    if (until < now) reasons.push(`保级宽限至 ${formatDay(until + grace, timeZone)}`);
    return { tier, source: 'rules', reasons, nextReviewAt: until + grace + 1 };
  }
  return { tier: 'D', source: 'rules', reasons: [silentReason(e, policy, timeZone)], nextReviewAt: null };
}

function collectSignals(e: Engagement, p: TierPolicy, now: number, tz: string): Signal[] {
  const past = (t: number) => t <= now;
  const signals: Signal[] = [];
  const paid = e.paidOrders.filter(past);
  const lastPaid = paid.at(-1);
  if (lastPaid !== undefined) {
    signals.push({ tier: 'A', until: lastPaid + p.deal.paidWithinDays * DAY_MS, reason: `成交订单 ${formatDay(lastPaid, tz)}（${p.deal.paidWithinDays}天内）` });
  }
  const inbound = e.inbound.filter(past);
  const burst = latestBurst(inbound, p.seed.messages.count, p.seed.messages.withinDays * DAY_MS);
  if (burst) {
    signals.push({
      tier: 'B',
      until: burst.first + p.seed.messages.withinDays * DAY_MS,
      reason: `${p.seed.messages.count} 条消息/${p.seed.messages.withinDays}天（最近 ${formatDay(burst.last, tz)}）`,
    });
  }
  const intent = e.intents.filter((i) => past(i.at)).at(-1);
  if (intent) {
    signals.push({ tier: 'B', until: intent.at + p.seed.intentHoldDays * DAY_MS, reason: `提到'${intent.keyword}' ${formatDay(intent.at, tz)}` });
  }
  const reply = latestReplyToPush(inbound, e.pushes.filter(past), p.seed.replyToPushWithinDays * DAY_MS);
  if (reply !== undefined) {
    signals.push({ tier: 'B', until: reply + p.seed.replyHoldDays * DAY_MS, reason: `回复了推送 ${formatDay(reply, tz)}` });
  }
  if (e.addedAt !== null && past(e.addedAt)) {
    signals.push({ tier: 'C', until: e.addedAt + p.potential.addedWithinDays * DAY_MS, reason: `新添加 ${formatDay(e.addedAt, tz)}（${p.potential.addedWithinDays}天内）` });
  }
  const lastInbound = inbound.at(-1);
  if (lastInbound !== undefined) {
    signals.push({ tier: 'C', until: lastInbound + p.potential.messageWithinDays * DAY_MS, reason: `${p.potential.messageWithinDays}天内有消息（${formatDay(lastInbound, tz)}）` });
  }
  return signals;
}

/** The latest run of `count` messages within `window`: its first and last time. */
function latestBurst(times: number[], count: number, window: number): { first: number; last: number } | undefined {
  for (let end = times.length - 1; end >= count - 1; end--) {
    const first = times[end - count + 1]!;
    const last = times[end]!;
    if (last - first <= window) return { first, last };
  }
  return undefined;
}

/** The latest customer message sent within `window` after one of our pushes. */
function latestReplyToPush(inbound: number[], pushes: number[], window: number): number | undefined {
  for (let i = inbound.length - 1; i >= 0; i--) {
    const m = inbound[i]!;
    if (pushes.some((p) => p <= m && m - p <= window)) return m;
  }
  return undefined;
}

function silentReason(e: Engagement, p: TierPolicy, tz: string): string {
  const last = e.inbound.at(-1);
  return last === undefined
    ? '从未收到客户消息'
    : `${p.potential.messageWithinDays}天以上无消息（最后 ${formatDay(last, tz)}）`;
}
