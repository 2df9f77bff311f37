import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { festivalsInYear, occasionsOn, type CustomDate } from './festivals.ts';

/**
 * The published 2026 and 2027 dates, written in by hand from the lunar calendar (万年历,
 * Purple Mountain Observatory's 中国天文年历 tables as printed in any 2026/2027 almanac):
 * 春节 2026-02-17 (丙午年正月初一), 2027-02-06 (丁未年正月初一), and so on. Each lunar date is
 * also checked against a second, independent conversion (chinese-days' own lunar table) below.
 */
const PUBLISHED: Record<number, Record<string, string>> = {
  2026: {
    元旦: '2026-01-01', 春节: '2026-02-17', 元宵: '2026-03-03', 清明: '2026-04-05', 劳动节: '2026-05-01',
    端午: '2026-06-19', 七夕: '2026-08-19', 中秋: '2026-09-25', 国庆: '2026-10-01', 重阳: '2026-10-18',
  },
  2027: {
    元旦: '2027-01-01', 春节: '2027-02-06', 元宵: '2027-02-20', 清明: '2027-04-05', 劳动节: '2027-05-01',
    端午: '2027-06-09', 七夕: '2027-08-08', 中秋: '2027-09-15', 国庆: '2027-10-01', 重阳: '2027-10-08',
  },
};

const LUNAR_OF: Record<string, string> = { 春节: '01-01', 元宵: '01-15', 端午: '05-05', 七夕: '07-07', 中秋: '08-15', 重阳: '09-09' };

const iso = (d: { year: number; month: number; day: number }) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

describe('festivalsInYear: the greeting days, computed for any year', () => {
  for (const year of [2026, 2027]) {
    it(`${year}: every festival falls on its published date`, () => {
      const got = Object.fromEntries(festivalsInYear(year).map((f) => [f.name, iso(f.date)]));
      expect(got).toEqual(PUBLISHED[year]);
    });

    it(`${year}: the lunar festivals agree with a second source (chinese-days' lunar table)`, () => {
      for (const [name, monthDay] of Object.entries(LUNAR_OF)) {
        expect(chineseDays.getSolarDateFromLunar(`${year}-${monthDay}`).date, name).toBe(PUBLISHED[year]![name]);
      }
      expect(chineseDays.getSolarTermDate(year, 4, 'pure_brightness'), '清明').toBe(PUBLISHED[year]!['清明']);
    });
  }

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
