import { describe, expect, it } from 'vitest';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import { emptyEngagement, type Engagement } from '../engagement/engagement.ts';
import { decideTier } from './reevaluate-tier.ts';
import { assessLifecycle, lifecycleChangesAt } from './lifecycle.ts';
import { DAY_MS } from './policy.ts';

const { tiers: policy } = testPolicies;
const now = Date.UTC(2026, 10, 23);
const paidDaysAgo = (...days: number[]): Engagement => ({ ...emptyEngagement(), paidOrders: days.map((d) => now - d * DAY_MS).sort((a, b) => a - b) });

describe('assessLifecycle', () => {
  it.each([
    ['potential: never bought', emptyEngagement(), 'potential'],
    ['new: one recent order', paidDaysAgo(10), 'new'],
    ['new: two orders, below loyalOrders (3)', paidDaysAgo(100, 10), 'new'],
    ['loyal: three paid orders', paidDaysAgo(100, 50, 10), 'loyal'],
    ['churned: last order beyond churnAfterDays (180)', paidDaysAgo(400, 300, 181), 'churned'],
    ['not churned on day 180', paidDaysAgo(180), 'new'],
    ['churned: the customer removed the rep', { ...paidDaysAgo(300, 200, 10), customerLeft: true }, 'churned'],
    ['future-dated orders do not count', { ...emptyEngagement(), paidOrders: [now + DAY_MS] }, 'potential'],
  ] satisfies [string, Engagement, string][])('%s', (_name, engagement, expected) => {
    expect(assessLifecycle(engagement, policy, now)).toBe(expected);
  });
});

describe('lifecycleChangesAt: a customer turns churned on time, not when something else touches them', () => {
  it('is just past churnAfterDays after the last paid order; null when time alone changes nothing', () => {
    expect(lifecycleChangesAt(paidDaysAgo(300, 10), policy, now)).toBe(now - 10 * DAY_MS + policy.lifecycle.churnAfterDays * DAY_MS + 1);
    expect(lifecycleChangesAt(emptyEngagement(), policy, now)).toBeNull();
    expect(lifecycleChangesAt(paidDaysAgo(181), policy, now)).toBeNull();
    expect(lifecycleChangesAt({ ...paidDaysAgo(10), customerLeft: true }, policy, now)).toBeNull();
  });

  it('an A customer (paid within a year) is reviewed when they churn, before the tier lapses, and the review finds them churned', () => {
    const engagement = paidDaysAgo(100);
    const first = decideTier({ externalUserId: 'wm1', engagement, tier: null, override: null }, { policy, timeZone: 'Asia/Shanghai' }, now);
    expect(first.stored).toMatchObject({ tier: 'A', lifecycle: 'new' });
    const churnsAt = now + (policy.lifecycle.churnAfterDays - 100) * DAY_MS + 1;
    expect(first.stored.nextReviewAt).toBe(churnsAt);
    const later = decideTier({ externalUserId: 'wm1', engagement, tier: first.stored, override: null }, { policy, timeZone: 'Asia/Shanghai' }, churnsAt);
    expect(later.stored).toMatchObject({ tier: 'A', lifecycle: 'churned' });
    expect(later.stored.nextReviewAt).toBeGreaterThan(churnsAt);
  });
});
