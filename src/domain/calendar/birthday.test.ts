import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addDays } from '../followups/local-time.ts';
import { birthdayInYear, birthdaysFallingOn, isBirthdayOn } from './birthday.ts';
import { datesInSolarYear } from './lunar.ts';

describe('birthdayInYear: the solar date of a profile birthday in a given year', () => {
  it('a solar birthday keeps its month and day', () => {
    expect(birthdayInYear({ calendar: 'solar', month: 8, day: 15, year: 1990 }, 2026)).toEqual({ year: 2026, month: 8, day: 15 });
  });

  it('29 Feb outside a leap year → 28 Feb; in a leap year it stays', () => {
    expect(birthdayInYear({ calendar: 'solar', month: 2, day: 29 }, 2027)).toEqual({ year: 2027, month: 2, day: 28 });
    expect(birthdayInYear({ calendar: 'solar', month: 2, day: 29 }, 2028)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it('a lunar birthday moves every year (农历八月十五: 2026-09-25, 2027-09-15)', () => {
    const b = { calendar: 'lunar', month: 8, day: 15 } as const;
    expect(birthdayInYear(b, 2026)).toEqual({ year: 2026, month: 9, day: 25 });
    expect(birthdayInYear(b, 2027)).toEqual({ year: 2027, month: 9, day: 15 });
  });

  it('a leap month counts as its month: in 2025 (闰六月) 农历六月初十 is the ordinary 六月\'s, not the leap one\'s', () => {
    expect(chineseDays.getYearLeapMonth(2025).leapMonth).toBe(6);
    const second = chineseDays.getSolarDateFromLunar('2025-06-10');
    expect(birthdayInYear({ calendar: 'lunar', month: 6, day: 10 }, 2025)).toEqual({ year: 2025, month: 7, day: 4 });
    expect(second.date).toBe('2025-07-04');
  });

  it('the 30th of a lunar month that has 29 days falls on its last day (the 29th)', () => {
    // 2026's 二月 has 29 days: chinese-days agrees, reading 2026-04-16 as 二月廿九 and the 17th
    // as 三月初一 (its lunar→solar direction is off by one on day 29, so the check goes solar→lunar).
    expect(chineseDays.monthDays(2026, 2)).toBe(29);
    expect(chineseDays.getLunarDate('2026-04-16')).toMatchObject({ lunarMon: 2, lunarDay: 29, isLeap: false });
    expect(chineseDays.getLunarDate('2026-04-17')).toMatchObject({ lunarMon: 3, lunarDay: 1 });
    expect(birthdayInYear({ calendar: 'lunar', month: 2, day: 30 }, 2026)).toEqual({ year: 2026, month: 4, day: 16 });
    // 2026's 正月 has 30 days: the 30th is kept.
    expect(chineseDays.getLunarDate('2026-03-18')).toMatchObject({ lunarMon: 1, lunarDay: 30 });
    expect(birthdayInYear({ calendar: 'lunar', month: 1, day: 30 }, 2026)).toEqual({ year: 2026, month: 3, day: 18 });
  });
});

describe('isBirthdayOn: is a local date the contact\'s birthday', () => {
  it('a lunar 腊月 birthday can fall twice in one solar year, and both count', () => {
    const b = { calendar: 'lunar', month: 12, day: 1 } as const;
    // 乙巳年腊月初一 = 2026-01-19; 丙午年腊月初一 = 2027-01-08 (chinese-days agrees).
    expect(chineseDays.getSolarDateFromLunar('2025-12-01').date).toBe('2026-01-19');
    expect(isBirthdayOn(b, { year: 2026, month: 1, day: 19 })).toBe(true);
    expect(isBirthdayOn(b, { year: 2026, month: 1, day: 20 })).toBe(false);
  });

  it('29 Feb birthdays are greeted on 28 Feb in a common year, once', () => {
    const b = { calendar: 'solar', month: 2, day: 29 } as const;
    expect(isBirthdayOn(b, { year: 2027, month: 2, day: 28 })).toBe(true);
    expect(isBirthdayOn(b, { year: 2028, month: 2, day: 28 })).toBe(false);
  });
});

describe('birthdaysFallingOn: which stated birthdays fall on a day (the birthday index is asked for these)', () => {
  /** Every date a profile can state: solar 1-1 … 12-31 with 29 Feb, lunar 1-1 … 12-30. */
  const everyBirthday = [
    ...Array.from({ length: 12 }, (_, m) => Array.from({ length: [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m]! }, (_, d) => ({ calendar: 'solar' as const, month: m + 1, day: d + 1 }))).flat(),
    ...Array.from({ length: 12 }, (_, m) => Array.from({ length: 30 }, (_, d) => ({ calendar: 'lunar' as const, month: m + 1, day: d + 1 }))).flat(),
  ];
  const iso = (d: { year: number; month: number; day: number }) => `${d.year}-${d.month}-${d.day}`;
  const name = (b: { calendar: string; month: number; day: number }) => `${b.calendar} ${b.month}-${b.day}`;

  it.each([2025, 2026, 2027, 2028])('is exactly the inverse of the birthday rules over %i (leap months, 29 Feb, short lunar months)', (year) => {
    const forward = new Set<string>();
    for (const b of everyBirthday) for (const d of datesInSolarYear(b, year)) forward.add(`${name(b)} @ ${iso(d)}`);
    const backward = new Set<string>();
    for (let d = { year, month: 1, day: 1 }; d.year === year; d = addDays(d, 1)) {
      for (const b of birthdaysFallingOn(d)) backward.add(`${name(b)} @ ${iso(d)}`);
    }
    expect([...backward].sort()).toEqual([...forward].sort());
  });

  it('names the edge cases on their days', () => {
    expect(birthdaysFallingOn({ year: 2027, month: 2, day: 28 })).toContainEqual({ calendar: 'solar', month: 2, day: 29 });
    expect(birthdaysFallingOn({ year: 2028, month: 2, day: 28 })).not.toContainEqual({ calendar: 'solar', month: 2, day: 29 });
    // 2026-04-16 is 二月廿九, the last day of a 29-day month: the 30th's birthday falls there.
    expect(birthdaysFallingOn({ year: 2026, month: 4, day: 16 })).toContainEqual({ calendar: 'lunar', month: 2, day: 30 });
    // 2025-07-25 is 闰六月初一: nobody's lunar birthday (六月初一 was 2025-06-25).
    expect(birthdaysFallingOn({ year: 2025, month: 7, day: 25 }).filter((b) => b.calendar === 'lunar')).toEqual([]);
    expect(birthdaysFallingOn({ year: 2025, month: 6, day: 25 })).toContainEqual({ calendar: 'lunar', month: 6, day: 1 });
  });
});
