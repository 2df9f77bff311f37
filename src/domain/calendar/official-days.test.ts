import { describe, expect, it } from 'vitest';
import { officialDayOf, officialDays, yearsWithoutOfficialDays, type OfficialDaysOverlay } from './official-days.ts';

/**
 * 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号), as published:
 * 元旦 1月1日-3日, 4日(周日)上班; 春节 2月15日-23日, 2月14日(周六)、28日(周六)上班;
 * 清明 4月4日-6日; 劳动节 5月1日-5日, 9日(周六)上班; 端午 6月19日-21日;
 * 中秋 9月25日-27日; 国庆 10月1日-7日, 9月20日(周日)、10月10日(周六)上班.
 */
const OFF_2026: [string, string, string][] = [
  ['元旦', '2026-01-01', '2026-01-03'], ['春节', '2026-02-15', '2026-02-23'], ['清明', '2026-04-04', '2026-04-06'],
  ['劳动节', '2026-05-01', '2026-05-05'], ['端午', '2026-06-19', '2026-06-21'], ['中秋', '2026-09-25', '2026-09-27'],
  ['国庆节', '2026-10-01', '2026-10-07'],
];
const WORKDAYS_2026 = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];

const date = (iso: string) => ({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) });

function everyDayOf(year: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

describe('officialDays: the State Council\'s days off and make-up working days (调休)', () => {
  it('2026 is exactly the published notice: every day off, every make-up working day, nothing else', () => {
    const days = officialDays({});
    const expected = new Map<string, string>();
    for (const [name, from, to] of OFF_2026) for (const d of everyDayOf(2026)) if (d >= from && d <= to) expected.set(d, `off ${name}`);
    for (const d of WORKDAYS_2026) expected.set(d, 'workday');
    const got = new Map<string, string>();
    for (const d of everyDayOf(2026)) {
      const official = officialDayOf(days, date(d));
      if (official) got.set(d, official.kind === 'off' ? `off ${official.name}` : 'workday');
    }
    expect(got).toEqual(expected);
  });

  it('an overlay year adds a year the package lacks, ranges inclusive; and replaces a year it has', () => {
    const overlay: OfficialDaysOverlay = {
      2027: [{ name: '元旦', off: ['2027-01-01', '2027-01-03'], workdays: ['2027-01-04'] }],
      2026: [{ name: '国庆节', off: ['2026-10-01', '2026-10-02'], workdays: [] }],
    };
    const days = officialDays(overlay);
    expect(officialDayOf(days, date('2027-01-02'))).toEqual({ kind: 'off', name: '元旦' });
    expect(officialDayOf(days, date('2027-01-04'))).toEqual({ kind: 'workday', name: '元旦' });
    expect(officialDayOf(days, date('2026-10-03'))).toBeUndefined();
    expect(officialDayOf(days, date('2026-02-14'))).toBeUndefined();
  });
});

describe('yearsWithoutOfficialDays: which years a window reaches without published days off', () => {
  it('60 days from 2026-12-06 reach 2027, which the package does not have yet', () => {
    expect(yearsWithoutOfficialDays(officialDays({}), date('2026-12-06'), 60)).toEqual([2027]);
  });

  it('a window inside a known year lacks nothing; an overlay for 2027 closes the gap', () => {
    expect(yearsWithoutOfficialDays(officialDays({}), date('2026-06-01'), 60)).toEqual([]);
    const overlay: OfficialDaysOverlay = { 2027: [{ name: '元旦', off: ['2027-01-01', '2027-01-01'], workdays: [] }] };
    expect(yearsWithoutOfficialDays(officialDays(overlay), date('2026-12-06'), 60)).toEqual([]);
  });

  it('the window counts its last day: 2026-12-02 + 30 days ends on 2027-01-01', () => {
    expect(yearsWithoutOfficialDays(officialDays({}), date('2026-12-02'), 30)).toEqual([2027]);
    expect(yearsWithoutOfficialDays(officialDays({}), date('2026-12-02'), 29)).toEqual([]);
  });
});
