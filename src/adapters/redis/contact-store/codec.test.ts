import { describe, expect, it } from 'vitest';
import type { Entry } from './codec.ts';
import { decodeEntry, decodeHot, encodeEntry, encodeHot, hotOf } from './codec.ts';

const T = Date.UTC(2025, 10, 1);

function entry(): Entry {
  return {
    record: {
      contact: {
        externalUserId: 'wm1', name: '李"四"\n', type: 2, gender: 'female', corpName: '某公司', avatar: 'https://a/0',
        follows: [
          { userId: 'rep2', addedAt: T, tagIds: ['t1'], status: 'active', changedAt: T, remark: 'r\nx', addWay: 1, state: 's' },
          { userId: 'rep1', addedAt: T, tagIds: [], status: 'active', changedAt: T },
          { userId: 'rep3', addedAt: T, tagIds: [], status: 'removed_by_customer', changedAt: T + 1 },
        ],
        profile: { birthday: { calendar: 'lunar', month: 1, day: 2 }, note: '第一行\n第二行' },
        createdAt: T, updatedAt: T + 5,
      },
      engagement: { addedAt: T, inbound: [T + 1, T + 2], inboundIds: ['fpA', 'fpB'], pushes: [T], intents: [{ at: T + 2, keyword: '报价' }], paidOrders: [T + 3], customerLeft: true },
      orders: { count: 2, amount: 12.34, profit: 1.5, paid: 1, daysLate: 3 },
      tier: { tier: 'B', source: 'override', reasons: ['人工设定（王）：原因\n换行'], since: T, nextReviewAt: null, lifecycle: 'loyal' },
      override: { tier: 'B', by: '王', reason: '原因\n换行', at: T },
      value: { score: 55.5, grade: 'mid', quadrant: 'stream' },
    },
    seen: 'abcdefgh12345678',
    seenFacts: '12345678',
    totals: { count: 2, amountFen: 1234, profitFen: 150, paid: 1, daysLate: 3 },
  };
}

describe('contact record codec', () => {
  it('round-trips every field, newlines in text included', () => {
    expect(decodeEntry('wm1', encodeEntry(entry()))).toEqual(entry());
  });

  it('splits into a hot half with the active reps, sorted, that decodes alone', () => {
    const raw = encodeEntry(entry());
    expect(raw.split('\n')).toHaveLength(2);
    const hot = decodeHot(hotOf(raw));
    expect(hot.reps).toEqual(['rep1', 'rep2']);
    expect(hot.engagement).toEqual(entry().record.engagement);
    expect(encodeHot(hot)).toBe(hotOf(raw));
  });

  it('reads a record written before message ids were kept: each time stands in for an id', () => {
    const legacy = `[1,[${T},[${T + 1},${T + 2}],[],[],[],0],0,0,[]]`;
    expect(decodeHot(legacy).engagement).toMatchObject({ inbound: [T + 1, T + 2], inboundIds: [`t${T + 1}`, `t${T + 2}`] });
  });

  it('refuses a record of an unknown format', () => {
    expect(() => decodeHot('[2,[null,[],[],[],[],0],0,0,[]]')).toThrow(/format 2/);
  });
});
