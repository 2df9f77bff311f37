import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { festivalsInYear, occasionsOn, type CustomDate } from './festivals.ts';

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

// The 2026 and 2027 dates against the published calendar: calendar-2026-2027.test.ts.
describe('festivalsInYear: the greeting days, computed for any year', () => {
  it('清明 is listed (a preview shows it) but marked as a day of remembrance, not a greeting day', () => {
    const byName = Object.fromEntries(festivalsInYear(2026).map((f) => [f.name, f]));
    expect(byName['清明']).toMatchObject({ id: 'qingming', remembrance: true });
    expect(byName['中秋']).toMatchObject({ id: 'midAutumn', remembrance: false });
  });

  it('comes out in date order', () => {
    const dates = festivalsInYear(2027).map((f) => iso(f.date));
    expect(dates).toEqual([...dates].sort());
  });
});

describe('occasionsOn: what a given local date is', () => {
  const custom: CustomDate[] = [
    { id: 'companyAnniversary', name: '公司周年庆', date: { calendar: 'solar', month: 2, day: 29 } },
    { id: 'shopAnniversary', name: '店庆', date: { calendar: 'lunar', month: 12, day: 8 } },
  ];

  it('names the festival of the day, and nothing on an ordinary day', () => {
    expect(occasionsOn({ year: 2027, month: 2, day: 6 }, []).map((o) => o.name)).toEqual(['春节']);
    expect(occasionsOn({ year: 2027, month: 2, day: 7 }, [])).toEqual([]);
  });

  it('a custom solar date on 29 Feb falls on 28 Feb outside leap years', () => {
    expect(occasionsOn({ year: 2026, month: 2, day: 28 }, custom).map((o) => o.id)).toEqual(['companyAnniversary']);
    expect(occasionsOn({ year: 2028, month: 2, day: 29 }, custom).map((o) => o.id)).toEqual(['companyAnniversary']);
    expect(occasionsOn({ year: 2028, month: 2, day: 28 }, custom)).toEqual([]);
  });

  it('a custom lunar date in 腊月 falls in the next solar year (腊八 of 乙巳年 is 2026-01-26)', () => {
    expect(chineseDays.getSolarDateFromLunar('2025-12-08').date).toBe('2026-01-26');
    expect(occasionsOn({ year: 2026, month: 1, day: 26 }, custom).map((o) => o.id)).toEqual(['shopAnniversary']);
  });
});
