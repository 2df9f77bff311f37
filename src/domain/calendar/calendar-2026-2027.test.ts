import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import type { Birthday } from '../contacts/contact.ts';
import { addDays, type LocalDate } from '../followups/local-time.ts';
import { birthdayInYear, isBirthdayOn } from './birthday.ts';
import { festivalsInYear } from './festivals.ts';
import { solarOfLunar } from './lunar.ts';
import { officialDayOf, officialDays, yearsWithoutOfficialDays } from './official-days.ts';

/**
 * Fenji's calendar for 2026 and 2027, checked against what was published. Every expected date
 * below is written in by hand from these sources, never computed by the code under test:
 *
 * [GOV26] 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), dated 2025-11-04, as
 *   Xinhua published it (https://politics.gmw.cn/2025-11/04/content_38391083.htm). It also
 *   names two lunar dates: 2026-02-15 is 腊月二十八, 2026-02-23 is 正月初七.
 * [HK26] Hong Kong SAR Government, general holidays for 2026 (press release of 2025-05-16,
 *   https://www.info.gov.hk/gia/general/202505/16/P2025051300354.htm), whose lunar dates the
 *   Hong Kong Observatory computes: 农历年初一 02-17; 清明节 a Sunday (04-05); 端午节 06-19;
 *   中秋节翌日 09-26; 重阳节 a Sunday (10-18).
 * [HK27] Hong Kong's general holidays for 2027 as calendar sites list them ahead of the gazette
 *   (https://www.calendardate.com/hk_year2027_holidays.php): Lunar New Year 02-06, Tomb
 *   Sweeping Day 04-05, Dragon Boat 06-09, Day after Mid-Autumn 09-16, Chung Yeung 10-08.
 * [MONTHS] The first day of every lunar month, 乙巳年 (2025) to 戊申年 (2028), as the 万年历 and
 *   the HKO Gregorian-Lunar conversion tables print them (hko.gov.hk/en/gts/time/conversion.htm).
 *   HKO's site could not be fetched while writing this; the table was copied from a published
 *   transcription (github.com/ree-ce/my-calendar-app, src/lib/calendar/lunarYearsData.js) and
 *   is checked below against [GOV26], [HK26] and, day by day, chinese-days' own lunar table.
 */
const MONTHS: Record<number, [name: string, first: string][]> = {
  2025: [['正月', '2025-01-29'], ['二月', '2025-02-28'], ['三月', '2025-03-29'], ['四月', '2025-04-28'], ['五月', '2025-05-27'], ['六月', '2025-06-25'],
    ['闰六月', '2025-07-25'], ['七月', '2025-08-23'], ['八月', '2025-09-22'], ['九月', '2025-10-21'], ['十月', '2025-11-20'], ['冬月', '2025-12-20'], ['腊月', '2026-01-19']],
  2026: [['正月', '2026-02-17'], ['二月', '2026-03-19'], ['三月', '2026-04-17'], ['四月', '2026-05-17'], ['五月', '2026-06-15'], ['六月', '2026-07-14'],
    ['七月', '2026-08-13'], ['八月', '2026-09-11'], ['九月', '2026-10-10'], ['十月', '2026-11-09'], ['冬月', '2026-12-09'], ['腊月', '2027-01-08']],
  2027: [['正月', '2027-02-06'], ['二月', '2027-03-08'], ['三月', '2027-04-07'], ['四月', '2027-05-06'], ['五月', '2027-06-05'], ['六月', '2027-07-04'],
    ['七月', '2027-08-02'], ['八月', '2027-09-01'], ['九月', '2027-09-30'], ['十月', '2027-10-29'], ['冬月', '2027-11-28'], ['腊月', '2027-12-28']],
  2028: [['正月', '2028-01-26'], ['二月', '2028-02-25'], ['三月', '2028-03-26'], ['四月', '2028-04-25'], ['五月', '2028-05-24'], ['闰五月', '2028-06-23'],
    ['六月', '2028-07-22'], ['七月', '2028-08-20'], ['八月', '2028-09-19'], ['九月', '2028-10-18'], ['十月', '2028-11-16'], ['冬月', '2028-12-16'], ['腊月', '2029-01-15']],
};
/** 己酉年正月初一, where 戊申年's 腊月 ends. */
const NEXT_NEW_YEAR = '2029-02-13';

/** The festivals by solar year: 元旦, 劳动节, 国庆 are fixed; 清明 a solar term; the rest lunar. */
const FESTIVALS: Record<number, Record<string, string>> = {
  2026: {
    元旦: '2026-01-01', 春节: '2026-02-17' /* HK26, GOV26 */, 元宵: '2026-03-03' /* MONTHS: 正月十五 */, 清明: '2026-04-05' /* HK26 */,
    劳动节: '2026-05-01', 端午: '2026-06-19' /* HK26 */, 七夕: '2026-08-19' /* MONTHS: 七月初七 */, 中秋: '2026-09-25' /* HK26 */,
    国庆: '2026-10-01', 重阳: '2026-10-18' /* HK26 */,
  },
  2027: {
    元旦: '2027-01-01', 春节: '2027-02-06' /* HK27 */, 元宵: '2027-02-20' /* MONTHS */, 清明: '2027-04-05' /* HK27 */,
    劳动节: '2027-05-01', 端午: '2027-06-09' /* HK27 */, 七夕: '2027-08-08' /* MONTHS */, 中秋: '2027-09-15' /* HK27 */,
    国庆: '2027-10-01', 重阳: '2027-10-08' /* HK27 */,
  },
};
const LUNAR_FESTIVALS: Record<string, [month: string, day: number]> = {
  春节: ['正月', 1], 元宵: ['正月', 15], 端午: ['五月', 5], 七夕: ['七月', 7], 中秋: ['八月', 15], 重阳: ['九月', 9],
};

/** [GOV26]: the days off ("放假调休", both ends counted, with the notice's 共N天) and the make-up working days. */
const NOTICE_2026: { name: string; off: [string, string]; days: number; workdays: string[] }[] = [
  { name: '元旦', off: ['2026-01-01', '2026-01-03'], days: 3, workdays: ['2026-01-04'] },
  { name: '春节', off: ['2026-02-15', '2026-02-23'], days: 9, workdays: ['2026-02-14', '2026-02-28'] },
  { name: '清明', off: ['2026-04-04', '2026-04-06'], days: 3, workdays: [] },
  { name: '劳动节', off: ['2026-05-01', '2026-05-05'], days: 5, workdays: ['2026-05-09'] },
  { name: '端午', off: ['2026-06-19', '2026-06-21'], days: 3, workdays: [] },
  { name: '中秋', off: ['2026-09-25', '2026-09-27'], days: 3, workdays: [] },
  { name: '国庆节', off: ['2026-10-01', '2026-10-07'], days: 7, workdays: ['2026-09-20', '2026-10-10'] },
];

const MONTH_NAMES = ['正月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '冬月', '腊月'];
const date = (iso: string): LocalDate => ({ year: +iso.slice(0, 4), month: +iso.slice(5, 7), day: +iso.slice(8, 10) });
const iso = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const plus = (day: string, n: number) => iso(addDays(date(day), n));
const daysBetween = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
function everyDayOf(year: number): string[] {
  const days: string[] = [];
  for (let d = `${year}-01-01`; d.startsWith(String(year)); d = plus(d, 1)) days.push(d);
  return days;
}

/** Every lunar month of the table: its lunar year, name, first day and length. */
const months = Object.entries(MONTHS).flatMap(([year, list]) =>
  list.map(([name, first], i) => {
    const next = list[i + 1]?.[1] ?? MONTHS[+year + 1]?.[0]![1] ?? NEXT_NEW_YEAR;
    return { lunarYear: +year, name, leap: name.startsWith('闰'), month: MONTH_NAMES.indexOf(name.replace('闰', '')) + 1, first, length: daysBetween(first, next) };
  }));
const monthOf = (lunarYear: number, name: string) => months.find((m) => m.lunarYear === lunarYear && m.name === name)!;
/** The solar day of `day` in a month of the table. */
const dayOf = (lunarYear: number, name: string, day: number) => plus(monthOf(lunarYear, name).first, day - 1);

describe('the published lunar month table (the expectations below rest on it)', () => {
  it('agrees with the official anchors: GOV26 (腊月廿八, 正月初七) and HK26', () => {
    expect(dayOf(2025, '腊月', 28)).toBe('2026-02-15');
    expect(dayOf(2026, '正月', 7)).toBe('2026-02-23');
    for (const [name, [month, day]] of Object.entries(LUNAR_FESTIVALS)) {
      for (const year of [2026, 2027]) expect(dayOf(year, month, day), `${year} ${name}`).toBe(FESTIVALS[year]![name]);
    }
  });

  it('agrees with chinese-days\' own table on the first and last day of every month', () => {
    for (const m of months) {
      expect(chineseDays.getLunarDate(m.first), `${m.lunarYear} ${m.name}`).toMatchObject({ lunarYear: m.lunarYear, lunarMon: m.month, lunarDay: 1, isLeap: m.leap });
      expect(chineseDays.getLunarDate(plus(m.first, m.length - 1)).lunarDay, `${m.lunarYear} ${m.name} length`).toBe(m.length);
    }
  });
});

describe('lunar.ts (tyme4ts) against the month table', () => {
  it('every ordinary month of 2025-2028 starts and ends on the published day; a 30th in a 29-day month is its 29th', () => {
    for (const m of months.filter((x) => !x.leap)) {
      expect(iso(solarOfLunar(m.lunarYear, m.month, 1)), `${m.lunarYear} ${m.name} 初一`).toBe(m.first);
      expect(iso(solarOfLunar(m.lunarYear, m.month, 30)), `${m.lunarYear} ${m.name} 三十`).toBe(plus(m.first, m.length - 1));
    }
  });
});

describe('festivalsInYear: 2026 and 2027 as published', () => {
  for (const year of [2026, 2027]) {
    it(`${year}: every festival on its published date`, () => {
      expect(Object.fromEntries(festivalsInYear(year).map((f) => [f.name, iso(f.date)]))).toEqual(FESTIVALS[year]);
    });
  }
});

describe('officialDayOf: 2026 is exactly the State Council notice (GOV26)', () => {
  it('the notice as transcribed: each holiday\'s 共N天, and every make-up working day a Saturday or Sunday', () => {
    for (const h of NOTICE_2026) {
      expect(daysBetween(h.off[0], h.off[1]) + 1, h.name).toBe(h.days);
      for (const w of h.workdays) expect([0, 6], w).toContain(new Date(`${w}T00:00:00Z`).getUTCDay());
    }
  });

  it('every day off, every make-up working day, and nothing else in 2026', () => {
    const official = officialDays({});
    const expected = new Map<string, string>();
    for (const { off: [from, to], workdays } of NOTICE_2026) {
      for (let d = from; d <= to; d = plus(d, 1)) expected.set(d, 'off');
      for (const w of workdays) expected.set(w, 'workday');
    }
    const got = new Map<string, string>();
    for (const d of everyDayOf(2026)) {
      const day = officialDayOf(official, date(d));
      if (day) got.set(d, day.kind);
    }
    expect(got).toEqual(expected);
    // The package names the holiday a day belongs to (国庆节's make-up day on 9-20 pays for it).
    expect(officialDayOf(official, date('2026-09-20'))).toEqual({ kind: 'workday', name: '国庆节' });
    expect(officialDayOf(official, date('2026-02-17'))).toEqual({ kind: 'off', name: '春节' });
  });
});

describe('2027 official days: the notice is not out yet', () => {
  /**
   * The years config/holidays-overlay.jsonc lists, each with the notice it was copied from. None:
   * 国务院办公厅关于2027年部分节假日安排的通知 is not published yet (it usually comes in
   * November 2026). Whoever adds 2027 to the overlay adds its notice here and a check like 2026's.
   */
  const SOURCED_OVERLAY_YEARS: string[] = [];

  it('the shipped overlay lists only years whose notice is checked here', () => {
    const overlay = parse(readFileSync('config/holidays-overlay.jsonc', 'utf8')) as Record<string, unknown>;
    expect(Object.keys(overlay)).toEqual(SOURCED_OVERLAY_YEARS);
  });

  it('chinese-days 1.5.7 lacks 2027, so 2027 is an ordinary year and start-up from 2026-11-02 on warns', () => {
    const official = officialDays({});
    expect(official.years.has(2027)).toBe(false);
    expect(everyDayOf(2027).filter((d) => officialDayOf(official, date(d)))).toEqual([]);
    expect(yearsWithoutOfficialDays(official, date('2026-11-02'), 60)).toEqual([2027]);
    expect(yearsWithoutOfficialDays(official, date('2026-11-01'), 60)).toEqual([]);
  });
});

describe('lunar and solar birthdays in 2026 and 2027, against the month table', () => {
  /**
   * Each case: the profile birthday and every solar date of 2026 and of 2027 it is greeted on,
   * read off MONTHS by hand (a leap month counts as its month; a 30th the month lacks is the
   * month's last day; 29 Feb is 28 Feb outside leap years).
   */
  const CASES: { why: string; birthday: Birthday; on: Record<2026 | 2027, string[]> }[] = [
    { why: '六月初十 (also whoever was born in 乙巳年闰六月初十): 2026 六月 starts 07-14, 2027 六月 07-04',
      birthday: { calendar: 'lunar', month: 6, day: 10 }, on: { 2026: ['2026-07-23'], 2027: ['2027-07-13'] } },
    { why: '二月三十: 2026 二月 has 29 days (ends 04-16), 2027 二月 30 (03-08 to 04-06)',
      birthday: { calendar: 'lunar', month: 2, day: 30 }, on: { 2026: ['2026-04-16'], 2027: ['2027-04-06'] } },
    { why: '八月三十: 八月 has 29 days in both years (2026: to 10-09; 2027: 09-01 to 09-29)',
      birthday: { calendar: 'lunar', month: 8, day: 30 }, on: { 2026: ['2026-10-09'], 2027: ['2027-09-29'] } },
    { why: '腊月三十 (除夕): 乙巳年 and 丙午年 腊月 have 29 days, so their 除夕 is the 29th',
      birthday: { calendar: 'lunar', month: 12, day: 30 }, on: { 2026: ['2026-02-16'], 2027: ['2027-02-05'] } },
    { why: '腊月初八 falls in January: 乙巳年腊月 starts 2026-01-19, 丙午年腊月 2027-01-08; 丁未年腊八 is 2028-01-04',
      birthday: { calendar: 'lunar', month: 12, day: 8 }, on: { 2026: ['2026-01-26'], 2027: ['2027-01-15'] } },
    { why: '腊月初一 comes twice in 2027: 丙午年腊月 starts 2027-01-08, 丁未年腊月 2027-12-28',
      birthday: { calendar: 'lunar', month: 12, day: 1 }, on: { 2026: ['2026-01-19'], 2027: ['2027-01-08', '2027-12-28'] } },
    { why: '冬月廿五 too: 乙巳年冬月 starts 2025-12-20, 丙午年 2026-12-09, 丁未年 2027-11-28',
      birthday: { calendar: 'lunar', month: 11, day: 25 }, on: { 2026: ['2026-01-13'], 2027: ['2027-01-02', '2027-12-22'] } },
    { why: '正月三十: 正月 has 30 days in both years',
      birthday: { calendar: 'lunar', month: 1, day: 30 }, on: { 2026: ['2026-03-18'], 2027: ['2027-03-07'] } },
    { why: '29 Feb (solar): neither year is a leap year',
      birthday: { calendar: 'solar', month: 2, day: 29, year: 2000 }, on: { 2026: ['2026-02-28'], 2027: ['2027-02-28'] } },
  ];

  for (const { why, birthday, on } of CASES) {
    it(why, () => {
      for (const year of [2026, 2027] as const) {
        expect(everyDayOf(year).filter((d) => isBirthdayOn(birthday, date(d))), String(year)).toEqual(on[year]);
      }
    });
  }

  it('in a year with a leap month the ordinary month is meant: 2025 (闰六月) and 2028 (闰五月)', () => {
    // 乙巳年: 六月 starts 06-25 (30 days), 闰六月 07-25; 戊申年: 五月 05-24 (30 days), 闰五月 06-23.
    expect(iso(birthdayInYear({ calendar: 'lunar', month: 6, day: 10 }, 2025))).toBe('2025-07-04');
    expect(iso(birthdayInYear({ calendar: 'lunar', month: 6, day: 30 }, 2025))).toBe('2025-07-24');
    expect(iso(birthdayInYear({ calendar: 'lunar', month: 5, day: 5 }, 2028))).toBe('2028-05-28');
    expect(iso(birthdayInYear({ calendar: 'lunar', month: 5, day: 30 }, 2028))).toBe('2028-06-22');
    expect(iso(birthdayInYear({ calendar: 'lunar', month: 6, day: 1 }, 2028))).toBe('2028-07-22');
    // The leap months' own days are nobody's birthday.
    expect(isBirthdayOn({ calendar: 'lunar', month: 6, day: 10 }, date(dayOf(2025, '闰六月', 10)))).toBe(false);
    expect(isBirthdayOn({ calendar: 'lunar', month: 5, day: 5 }, date(dayOf(2028, '闰五月', 5)))).toBe(false);
  });

  it('29 Feb stays 29 Feb in 2028', () => {
    expect(iso(birthdayInYear({ calendar: 'solar', month: 2, day: 29 }, 2028))).toBe('2028-02-29');
  });
});
