import { describe, expect, it } from 'vitest';
import { testPolicies } from '../../../tests/helpers/tier-rules.ts';
import {
  buildValueModel, creditOf, effectiveValue, NON_BUYER_VALUE, rankIn, scoreBuyer, scoreValues,
  type ValueInput, type ValuePolicy, type ValueResult,
} from './value-score.ts';

const { value: configured } = testPolicies;
const policy = (weights: Partial<ValuePolicy['weights']> = {}, split = { high: 0.2, mid: 0.3 }): ValuePolicy =>
  ({ weights: { credit: 0, amount: 0, profit: 0, ...weights }, creditZeroAtDaysLate: 60, split });

let seq = 0;
const buyer = (over: Partial<ValueInput> = {}): ValueInput =>
  ({ externalUserId: `wm${++seq}`, orderCount: 1, amount: 100, profit: 10, avgDaysLate: 0, ...over });
const nonBuyer = (id: string): ValueInput => ({ externalUserId: id, orderCount: 0, amount: 0, profit: 0, avgDaysLate: 0 });
const byId = (results: ValueResult[]) => new Map(results.map((r) => [r.externalUserId, r]));
const count = (results: ValueResult[], grade: string) => results.filter((r) => r.grade === grade).length;

describe('scoreValues: the score', () => {
  it('uses the configured weights: credit 10 %, amount 30 %, profit 60 %', () => {
    expect(configured.weights).toEqual({ credit: 0.1, amount: 0.3, profit: 0.6 });
    // top amount, bottom profit, on time: 10 + 30 + 0; bottom amount, top profit, 30 days late: 5 + 0 + 60
    const [a, b] = scoreValues([
      buyer({ amount: 900, profit: 1, avgDaysLate: 0 }),
      buyer({ amount: 100, profit: 50, avgDaysLate: 30 }),
    ], configured);
    expect(a!.score).toBe(40);
    expect(b!.score).toBe(65);
  });

  it('weighs each part alone when the others weigh 0 (weights are relative, not required to sum to 1)', () => {
    const inputs = [
      buyer({ amount: 100, profit: 30, avgDaysLate: 0 }),
      buyer({ amount: 200, profit: 20, avgDaysLate: 30 }),
      buyer({ amount: 300, profit: 10, avgDaysLate: 90 }),
    ];
    expect(scoreValues(inputs, policy({ amount: 5 })).map((r) => r.score)).toEqual([0, 50, 100]);
    expect(scoreValues(inputs, policy({ profit: 2 })).map((r) => r.score)).toEqual([100, 50, 0]);
    expect(scoreValues(inputs, policy({ credit: 1 })).map((r) => r.score)).toEqual([100, 50, 0]);
    // amount 1 : profit 1 → the mean of the two ranks
    expect(scoreValues(inputs, policy({ amount: 1, profit: 1 })).map((r) => r.score)).toEqual([50, 50, 50]);
  });

  it('ranks tied amounts at the average of their positions', () => {
    const results = scoreValues([buyer({ amount: 100 }), buyer({ amount: 100 }), buyer({ amount: 300 }), buyer({ amount: 50 })], policy({ amount: 1 }));
    // sorted 50, 100, 100, 300 → positions 0, 1.5, 1.5, 3 of 3
    expect(results.map((r) => r.score)).toEqual([50, 50, 100, 0]);
  });

  it('turns average days late into credit: full on time, half at 30 days, none from 60 (configurable)', () => {
    expect(creditOf(0, configured)).toBe(1);
    expect(creditOf(30, configured)).toBe(0.5);
    expect(creditOf(60, configured)).toBe(0);
    expect(creditOf(200, configured)).toBe(0);
    expect(creditOf(-5, configured)).toBe(1);
    expect(creditOf(30, { ...configured, creditZeroAtDaysLate: 120 })).toBe(0.75);
    const [late] = scoreValues([buyer({ avgDaysLate: 15 }), buyer()], policy({ credit: 1 }));
    expect(late!.score).toBe(75);
  });

  it('rounds scores to 0.1 and keeps them within 0-100', () => {
    const inputs = Array.from({ length: 7 }, (_, i) => buyer({ amount: i * 13, profit: (i * 7) % 5, avgDaysLate: i * 11 }));
    for (const r of scoreValues(inputs, configured)) {
      expect(r.score).toBeGreaterThanOrEqual(0);
      expect(r.score).toBeLessThanOrEqual(100);
      expect(Math.round(r.score * 10) / 10).toBe(r.score);
    }
  });
});

describe('scoreValues: grades by ratio split of the buyers', () => {
  it('grades 10 distinct buyers 2 high, 3 mid, 5 low, best first', () => {
    const inputs = Array.from({ length: 10 }, (_, i) => buyer({ amount: (i + 1) * 100 }));
    const results = scoreValues(inputs, policy({ amount: 1 }));
    expect(results.map((r) => r.grade)).toEqual(['low', 'low', 'low', 'low', 'low', 'mid', 'mid', 'mid', 'high', 'high']);
  });

  it('rounds the counts: 7 buyers → 1 high (1.4), 3 mid (3.5 − 1 → 4 − 1), 3 low', () => {
    const results = scoreValues(Array.from({ length: 7 }, (_, i) => buyer({ amount: i })), policy({ amount: 1 }));
    expect([count(results, 'high'), count(results, 'mid'), count(results, 'low')]).toEqual([1, 3, 3]);
  });

  it('takes the split from the policy', () => {
    const results = scoreValues(Array.from({ length: 10 }, (_, i) => buyer({ amount: i })), policy({ amount: 1 }, { high: 0.5, mid: 0.5 }));
    expect([count(results, 'high'), count(results, 'mid'), count(results, 'low')]).toEqual([5, 5, 0]);
    const none = scoreValues(Array.from({ length: 10 }, (_, i) => buyer({ amount: i })), policy({ amount: 1 }, { high: 0, mid: 0.3 }));
    expect([count(none, 'high'), count(none, 'mid'), count(none, 'low')]).toEqual([0, 3, 7]);
  });

  it('splits the buyers only: non-buyers neither take a share nor get a grade above low', () => {
    const buyers = Array.from({ length: 10 }, (_, i) => buyer({ amount: i }));
    const others = Array.from({ length: 90 }, (_, i) => nonBuyer(`none${i}`));
    const results = scoreValues([...others, ...buyers], policy({ amount: 1 }));
    const graded = results.slice(90);
    expect([count(graded, 'high'), count(graded, 'mid'), count(graded, 'low')]).toEqual([2, 3, 5]);
    expect(results.slice(0, 90).every((r) => r.score === 0 && r.grade === 'low' && r.quadrant === null)).toBe(true);
  });

  it('gives equal scores the same grade; a tie across a cut takes the lower grade', () => {
    // 5 buyers, the best two tied: 1 high fits, so neither is high; mid is 3 − 0 → the next.
    const results = scoreValues(
      [buyer({ amount: 9 }), buyer({ amount: 9 }), buyer({ amount: 5 }), buyer({ amount: 3 }), buyer({ amount: 1 })],
      policy({ amount: 1 }),
    );
    expect(results.map((r) => r.grade)).toEqual(['mid', 'mid', 'mid', 'low', 'low']);
    const all = scoreValues(Array.from({ length: 6 }, () => buyer()), configured);
    expect(new Set(all.map((r) => r.grade))).toEqual(new Set(['low']));
  });

  it('does not depend on the order of the inputs', () => {
    const inputs = Array.from({ length: 40 }, (_, i) => buyer({ orderCount: 1 + (i % 4), amount: (i * 37) % 11, profit: (i * 17) % 7, avgDaysLate: i % 9 }));
    const forward = byId(scoreValues(inputs, configured));
    const backward = byId(scoreValues([...inputs].reverse(), configured));
    expect(backward).toEqual(forward);
  });
});

describe('scoreValues: quadrants relative to the buyers’ medians', () => {
  it('puts frequent+large in star, rare+large in flow, frequent+small in stream, rare+small in burden', () => {
    // medians: order count (1, 1, 5, 5) → 3; amount (10, 10, 1000, 1000) → 505
    const results = scoreValues([
      buyer({ externalUserId: 'star', orderCount: 5, amount: 1000 }),
      buyer({ externalUserId: 'flow', orderCount: 1, amount: 1000 }),
      buyer({ externalUserId: 'stream', orderCount: 5, amount: 10 }),
      buyer({ externalUserId: 'burden', orderCount: 1, amount: 10 }),
      nonBuyer('none'),
    ], configured);
    expect(results.map((r) => [r.externalUserId, r.quadrant])).toEqual([
      ['star', 'star'], ['flow', 'flow'], ['stream', 'stream'], ['burden', 'burden'], ['none', null],
    ]);
  });

  it('counts a buyer exactly at a median as not above it', () => {
    const results = byId(scoreValues([
      buyer({ externalUserId: 'low', orderCount: 1, amount: 10 }),
      buyer({ externalUserId: 'mid', orderCount: 2, amount: 20 }),
      buyer({ externalUserId: 'top', orderCount: 3, amount: 30 }),
    ], configured));
    expect(results.get('mid')!.quadrant).toBe('burden');
    expect(results.get('top')!.quadrant).toBe('star');
  });

  it('gives customers without orders score 0, grade low and no quadrant, whatever else they carry', () => {
    const [none] = scoreValues([{ externalUserId: 'x', orderCount: 0, amount: 500, profit: 90, avgDaysLate: 0 }, buyer()], configured);
    expect(none).toEqual({ externalUserId: 'x', ...NON_BUYER_VALUE });
  });
});

describe('scoreValues: edge populations', () => {
  it('scores a single buyer at the top: ranks 1, graded high, at both medians (burden)', () => {
    const [only, none] = scoreValues([buyer({ externalUserId: 'only', avgDaysLate: 30 }), nonBuyer('n')], configured);
    expect(only).toEqual({ externalUserId: 'only', score: 95, grade: 'high', quadrant: 'burden' });
    expect(none).toEqual({ externalUserId: 'n', score: 0, grade: 'low', quadrant: null });
  });

  it('handles no customers and no buyers', () => {
    expect(scoreValues([], configured)).toEqual([]);
    expect(scoreValues([nonBuyer('a'), nonBuyer('b')], configured).map((r) => r.grade)).toEqual(['low', 'low']);
  });
});

describe('buildValueModel + scoreBuyer (the job’s way in)', () => {
  it('gives exactly what scoreValues gives, from typed-array columns', () => {
    const inputs = Array.from({ length: 200 }, (_, i) => buyer({ orderCount: 1 + (i % 6), amount: ((i * 7919) % 1000) / 10, profit: ((i * 104729) % 300) / 10 - 5, avgDaysLate: (i * 13) % 70 }));
    const model = buildValueModel({
      length: inputs.length,
      orderCount: Uint32Array.from(inputs, (b) => b.orderCount),
      amount: Float64Array.from(inputs, (b) => b.amount),
      profit: Float64Array.from(inputs, (b) => b.profit),
      avgDaysLate: Float32Array.from(inputs, (b) => b.avgDaysLate),
    }, configured);
    const expected = scoreValues(inputs, configured);
    expect(inputs.map((b) => ({ externalUserId: b.externalUserId, ...scoreBuyer(model, b) }))).toEqual(expected);
    expect([count(expected, 'high'), count(expected, 'mid'), count(expected, 'low')]).toEqual([40, 60, 100]);
  });

  it('ranks a buyer the model has not seen between its neighbours', () => {
    const sorted = Float64Array.from([10, 20, 30]);
    expect(rankIn(sorted, 20)).toBe(0.5);
    expect(rankIn(sorted, 25)).toBe(0.75);
    expect(rankIn(sorted, 5)).toBe(0);
    expect(rankIn(sorted, 99)).toBe(1);
  });
});

describe('effectiveValue', () => {
  it('shows the stored value, NON_BUYER_VALUE for a contact without orders, null for an unscored buyer', () => {
    const stored = { score: 80, grade: 'high' as const, quadrant: 'star' as const };
    expect(effectiveValue(stored, 3)).toEqual(stored);
    expect(effectiveValue(null, 0)).toEqual({ score: 0, grade: 'low', quadrant: null });
    expect(effectiveValue(null, 2)).toBeNull();
  });
});
