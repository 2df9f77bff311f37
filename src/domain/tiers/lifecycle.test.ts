import { describe, expect, it } from 'vitest';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import { emptyEngagement, type Engagement } from '../engagement/engagement.ts';
import { assessLifecycle } from './lifecycle.ts';
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
