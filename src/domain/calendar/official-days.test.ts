import { describe, expect, it } from 'vitest';
import { officialDayOf, officialDays, yearsWithoutOfficialDays, type OfficialDaysOverlay } from './official-days.ts';

const date = (iso: string) => ({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) });

// 2026 against the State Council's notice: calendar-2026-2027.test.ts.
describe('officialDays: the State Council\'s days off and make-up working days (调休)', () => {
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
