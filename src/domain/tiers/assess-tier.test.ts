import { describe, expect, it } from 'vitest';
import { emptyEngagement, withInteraction, withOrder, type Engagement } from '../engagement/engagement.ts';
import type { Interaction } from '../contacts/contact.ts';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import { assessTier } from './assess-tier.ts';
import { DAY_MS } from './policy.ts';

const { tiers: policy } = testPolicies;
const tz = 'Asia/Shanghai';
const T0 = Date.UTC(2026, 10, 1, 2); // 2026-11-01 10:00 in Shanghai
const day = (n: number) => T0 + n * DAY_MS;
const msg = (n: number, text?: string, id = `m${n}-${text ?? ''}`): Interaction =>
  ({ id, externalUserId: 'wm1', direction: 'inbound', channel: 'kf', at: day(n), ...(text ? { text } : {}) });
const push = (n: number): Interaction => ({ id: `p${n}`, externalUserId: 'wm1', direction: 'outbound', channel: 'push', at: day(n) });
const fold = (e: Engagement, list: Interaction[]) => list.reduce((acc, i) => withInteraction(acc, i, policy.seed.intentKeywords), e);
const assess = (e: Engagement, at: number) => assessTier(e, policy, at, { timeZone: tz });

describe('assessTier', () => {
  const added: Engagement = { ...emptyEngagement(), addedAt: day(0) };

  it('walks a customer from C (added) to B (3 messages) to B (price) to A (paid)', () => {
    expect(assess(added, day(0))).toMatchObject({ tier: 'C', reasons: ['新添加 11-01（30天内）'] });
    const talked = fold(added, [msg(1), msg(2), msg(3)]);
    const b = assess(talked, day(3));
    expect(b.tier).toBe('B');
    expect(b.reasons[0]).toBe('3 条消息/14天（最近 11-04）');
    const asked = fold(talked, [msg(5, '请问报价是多少？')]);
    expect(assess(asked, day(5)).reasons).toContain("提到'报价' 11-06");
    const bought = withOrder(asked, { orderId: 'o1', externalUserId: 'wm1', amount: 980, paidAt: day(6) });
    expect(assess(bought, day(6))).toMatchObject({ tier: 'A', source: 'rules', reasons: ['成交订单 11-07（365天内）'] });
  });

  it('lets a quiet B fall to C and then to D with no new event, after a grace period', () => {
    const e = fold({ ...emptyEngagement(), addedAt: day(-100) }, [msg(0), msg(1), msg(2)]);
    const b = assess(e, day(2));
    expect(b.tier).toBe('B');
    // B's condition (3 in 14 days) last holds at day 14; grace keeps it 3 more days.
    expect(b.nextReviewAt).toBe(day(0) + 14 * DAY_MS + 3 * DAY_MS + 1);
    expect(assess(e, day(16)).tier).toBe('B');
    expect(assess(e, day(16)).reasons.at(-1)).toMatch(/^保级宽限至/);
    const c = assess(e, b.nextReviewAt!);
    expect(c.tier).toBe('C');
    expect(c.reasons).toEqual(['30天内有消息（11-03）']);
    const d = assess(e, c.nextReviewAt!);
    expect(d).toMatchObject({ tier: 'D', nextReviewAt: null, reasons: ['30天以上无消息（最后 11-03）'] });
  });

  it('does not flap on the threshold: 3 messages spread over 15 days never make B', () => {
    const e = fold(added, [msg(0), msg(7), msg(15)]);
    expect(assess(e, day(15)).tier).toBe('C');
  });

  it('counts a reply within 3 days of our push as engagement', () => {
    const e = fold({ ...emptyEngagement(), addedAt: day(-200) }, [push(10), msg(12, '收到')]);
    expect(assess(e, day(12))).toMatchObject({ tier: 'B', reasons: ['回复了推送 11-13'] });
    const late = fold({ ...emptyEngagement(), addedAt: day(-200) }, [push(10), msg(14, '收到')]);
    expect(assess(late, day(14)).tier).toBe('C');
  });

  // Interactions twice; orders once each (the store guards order ids exactly, see withOrder).
  it('gives the same tier for the same facts in any order, or interactions twice', () => {
    const facts = [msg(1), msg(2, '多少钱'), push(3), msg(4), msg(20), msg(21, '试用一下'), push(22)];
    const orders = [{ orderId: 'o1', externalUserId: 'wm1', amount: 1, paidAt: day(-400) }];
    const forward = orders.reduce(withOrder, fold(added, facts));
    const backward = orders.reduce(withOrder, fold(added, [...facts].reverse()));
    const twice = orders.reduce(withOrder, fold(fold(added, facts), facts));
    expect(backward).toEqual(forward);
    expect(twice).toEqual(forward);
    for (const at of [day(5), day(25), day(40), day(60)]) {
      expect(assess(backward, at)).toEqual(assess(forward, at));
    }
  });

  it('puts a customer who removed the rep in D', () => {
    const e = { ...fold(added, [msg(1), msg(2), msg(3)]), customerLeft: true };
    expect(assess(e, day(3))).toMatchObject({ tier: 'D', reasons: ['客户已删除销售好友'] });
  });

  it('lets a manual override win until it expires, and says so', () => {
    const override = { tier: 'A' as const, by: '王经理', reason: '老客户转介绍', at: day(0), until: day(10) };
    const during = assessTier(added, policy, day(1), { timeZone: tz, override });
    expect(during).toMatchObject({ tier: 'A', source: 'override', nextReviewAt: day(10) });
    expect(during.reasons[0]).toBe('人工设定（王经理）：老客户转介绍，至 11-11');
    expect(assessTier(added, policy, day(11), { timeZone: tz, override }).source).toBe('rules');
  });

  it('ignores facts dated in the future', () => {
    const e = withOrder(added, { orderId: 'o2', externalUserId: 'wm1', amount: 5, paidAt: day(50) });
    expect(assess(e, day(1)).tier).toBe('C');
  });
});
