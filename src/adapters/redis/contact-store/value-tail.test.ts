import { describe, expect, it } from 'vitest';
import type { Value } from '../../../domain/value/value-score.ts';
import { decodeEntry, encodeEntry, fingerprint, orderTotals, type Entry } from './codec.ts';
import { readValueTail, withValueTail } from './value-tail.ts';

const T = Date.UTC(2025, 10, 1);

function entry(over: { value?: Value | null; totals?: Entry['totals']; seen?: string; seenFacts?: string } = {}): Entry {
  const totals = over.totals ?? { count: 3, amountFen: 123456, profitFen: -2050, paid: 2, daysLate: 7 };
  return {
    record: {
      contact: {
        // Brackets, quotes, zeros and commas in free text must not confuse a scan from the end.
        externalUserId: 'wm1', name: '王"五",0]', type: 1, gender: 'male', corpName: '某公司[0,"h",0]',
        follows: [{ userId: 'rep1', addedAt: T, tagIds: ['t1'], status: 'active', changedAt: T, remark: '备注 ],0,"x"]' }],
        profile: { note: '结尾 [1,2,3,4,5],[9,"h","s"],"abc"]', interests: ['茶', '0'] },
        createdAt: T, updatedAt: T,
      },
      engagement: { addedAt: T, inbound: [], inboundIds: [], pushes: [], intents: [], paidOrders: [T], customerLeft: false },
      orders: orderTotals(totals),
      tier: null,
      override: null,
      value: over.value === undefined ? { score: 72.5, grade: 'high', quadrant: 'flow' } : over.value,
    },
    inboundFacts: '',
    seen: over.seen ?? fingerprint('i1') + fingerprint('i2'),
    seenFacts: over.seenFacts ?? fingerprint('f2'),
    totals,
  };
}

const cases: [string, Entry][] = [
  ['a scored buyer', entry()],
  ['a buyer with no quadrant and score 0', entry({ value: { score: 0, grade: 'low', quadrant: null } })],
  ['an unscored buyer', entry({ value: null })],
  ['a contact without orders or interactions', entry({ value: null, totals: { count: 0, amountFen: 0, profitFen: 0, paid: 0, daysLate: 0 }, seen: '', seenFacts: '' })],
];

describe('readValueTail', () => {
  it.each(cases)('reads the totals and value of %s like decodeEntry does', (_, e) => {
    const raw = encodeEntry(e);
    const tail = readValueTail(Buffer.from(raw, 'utf8'));
    const decoded = decodeEntry('wm1', raw);
    expect(tail.totals).toEqual(decoded.totals);
    expect(tail.value).toEqual(decoded.record.value);
  });

  it('reads a record written before seenFacts (seen is the last element)', () => {
    const raw = encodeEntry(entry()).replace(/,"[^"]*"\]$/, ']');
    expect(readValueTail(Buffer.from(raw, 'utf8')).value).toEqual(entry().record.value);
    expect(decodeEntry('wm1', raw).seenFacts).toBe('');
  });

  it('refuses a record that does not end the way the codec writes it', () => {
    expect(() => readValueTail(Buffer.from('[1]\n["x",1]'))).toThrow(/expected format/);
    expect(() => readValueTail(Buffer.from('[1]\n["x",1,"s"]'))).toThrow(/expected format/);
    expect(() => readValueTail(Buffer.from('[1]\n["x",[1,2],7,"s"]'))).toThrow(/expected format/);
  });
});

describe('withValueTail', () => {
  const values: (Value | null)[] = [
    { score: 100, grade: 'high', quadrant: 'star' },
    { score: 33.3, grade: 'mid', quadrant: 'burden' },
    { score: 0, grade: 'low', quadrant: null },
    null,
  ];
  it.each(cases)('rewrites only the value of %s, byte for byte what encodeEntry would write', (_, e) => {
    const raw = Buffer.from(encodeEntry(e), 'utf8');
    const tail = readValueTail(raw);
    for (const value of values) {
      const next = withValueTail(raw, tail, value);
      expect(next).toBe(encodeEntry({ ...e, record: { ...e.record, value } }));
      expect(decodeEntry('wm1', next).record).toEqual({ ...e.record, value });
    }
  });
});
