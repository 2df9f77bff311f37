import { describe, expect, it } from 'vitest';
import { storedRecord, storedTier } from '../../../tests/helpers/factories.ts';
import { testOccasions } from '../../../tests/helpers/occasions.ts';
import { instantOf, type LocalDate } from '../followups/local-time.ts';
import type { ContactRecord } from '../ports.ts';
import type { OutreachItem, OutreachKind, OutreachPlanner } from './outreach.ts';
import { defaultMinute, previewDay } from './preview.ts';

const TZ = 'Asia/Shanghai';
const DAY: LocalDate = { year: 2026, month: 6, day: 1 };
const T0 = Date.UTC(2026, 0, 1);

/** A planner with fixed items (in one page) and a fixed set of customers it is due for. */
function fixed(kind: OutreachKind, items: Array<Partial<OutreachItem> & { externalUserId: string; occasionKey: string }>, dueFor: string[] = []): OutreachPlanner {
  return {
    kind,
    page: async () => ({
      items: items.map((i) => ({ kind, rep: 'zhangwei', tier: 'B', text: '你好', notBefore: instantOf(DAY, 0, TZ), label: i.occasionKey, ...i })),
      skipped: { no_tier: 2 },
      nextCursor: null,
    }),
    dueOn: (record) => dueFor.includes(record.contact.externalUserId),
    stillDue: () => true,
  };
}

describe('previewDay: the guards of one day, in priority order', () => {
  const records: ContactRecord[] = ['wm1', 'wm2', 'wm3', 'wm4'].map((id) => storedRecord(id, T0, storedTier('B', T0), { reps: ['zhangwei'] }));
  records.push(storedRecord('wmLeft', T0, storedTier('B', T0), {}, { engagement: { ...records[0]!.engagement, customerLeft: true } }));
  const deps = (planners: OutreachPlanner[]) => ({
    planners, records: { getMany: async (ids: string[]) => records.filter((r) => ids.includes(r.contact.externalUserId)) },
    occasions: testOccasions.occasions, official: testOccasions.official, timeZone: TZ,
  });

  it('a lower kind gives way to a higher one due that day; a second item for one customer finds the day taken; personal guards first', async () => {
    const birthday = fixed('birthday', [{ externalUserId: 'wm1', occasionKey: 'birthday:2026' }], ['wm1', 'wm2']);
    const holiday = fixed('holiday', [
      { externalUserId: 'wm1', occasionKey: 'a' }, { externalUserId: 'wm2', occasionKey: 'a' }, { externalUserId: 'wm3', occasionKey: 'a' },
      { externalUserId: 'wm3', occasionKey: 'b' }, { externalUserId: 'wmLeft', occasionKey: 'b' }, { externalUserId: 'wmGone', occasionKey: 'b' },
    ]);
    // Given in any order: run by priority.
    const day = await previewDay(deps([holiday, birthday]), { date: DAY });
    expect(day.kinds.map((k) => k.kind)).toEqual(['birthday', 'holiday']);
    const [a, b] = day.kinds[1]!.occasions;
    expect(a!.groups.flatMap((g) => g.items.map((i) => i.externalUserId))).toEqual(['wm3']);
    expect(a!.skipped).toEqual({ gave_way: 2 });
    expect(b!.groups).toEqual([]);
    expect(b!.skipped).toEqual({ day_taken: 1, customer_left: 1, not_today: 1 });
    expect(day.kinds[1]!.skipped).toEqual({ no_tier: 2 });
  });

  it('asks the guard check only about items that passed the other guards', async () => {
    const asked: string[] = [];
    const holiday = fixed('holiday', [{ externalUserId: 'wm1', occasionKey: 'a' }, { externalUserId: 'wm4', occasionKey: 'a' }, { externalUserId: 'wmLeft', occasionKey: 'a' }]);
    const guard = { check: async (items: readonly OutreachItem[]) => items.map((i) => (asked.push(i.externalUserId), i.externalUserId === 'wm4' ? 'capped' as const : 'ok' as const)) };
    const day = await previewDay({ ...deps([holiday]), guard }, { date: DAY, at: 600 });
    expect(asked).toEqual(['wm1', 'wm4']);
    expect(day.kinds[0]!.occasions[0]!.skipped).toEqual({ customer_left: 1, capped: 1 });
    expect(day.kinds[0]!.at).toBe(instantOf(DAY, 600, TZ));
  });

  it('plans each kind at its own hour by default (the fixture: birthdays 09:30, after-sale 10:00)', () => {
    expect(defaultMinute('birthday', DAY, testOccasions.occasions, TZ)).toBe(9 * 60 + 30);
    expect(defaultMinute('aftersale', DAY, testOccasions.occasions, TZ)).toBe(10 * 60);
    expect(defaultMinute('holiday', { year: 2027, month: 2, day: 6 }, testOccasions.occasions, TZ)).toBe(9 * 60 + 30);
  });
});
