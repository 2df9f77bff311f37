import { LunarDay, LunarMonth, SolarDay, SolarTerm } from 'tyme4ts';
import type { LocalDate } from '../followups/local-time.ts';

/**
 * The one place Fenji talks to the lunar calendar library (tyme4ts: 6tail's maintained
 * successor of lunar-javascript, typed, ESM, tables through 9999). Everything else uses
 * these plain dates.
 */

/** A yearly date: fixed on the solar calendar, or on the lunar one (month 1-12, day 1-30). */
export interface YearlyDate {
  calendar: 'solar' | 'lunar';
  month: number;
  day: number;
}

function toLocal(day: SolarDay): LocalDate {
  return { year: day.getYear(), month: day.getMonth(), day: day.getDay() };
}

/**
 * The solar date of lunar `month`/`day` in lunar year `lunarYear`. A leap month (闰月) counts
 * as its month, so the ordinary month is meant; a day the month lacks (the 30th of a 29-day
 * month) becomes the month's last day.
 */
export function solarOfLunar(lunarYear: number, month: number, day: number): LocalDate {
  const days = LunarMonth.fromYm(lunarYear, month).getDayCount();
  return toLocal(LunarDay.fromYmd(lunarYear, month, Math.min(day, days)).getSolarDay());
}

/** A local date on the lunar calendar: its month (1-12; `leap` for a 闰月), day, and the month's length. */
export interface LunarDate {
  month: number;
  day: number;
  leap: boolean;
  /** 29 or 30. */
  monthDays: number;
}

/** The lunar date of a solar (local) date. */
export function lunarOf(date: LocalDate): LunarDate {
  const lunar = SolarDay.fromYmd(date.year, date.month, date.day).getLunarDay();
  const month = lunar.getLunarMonth();
  return { month: month.getMonth(), day: lunar.getDay(), leap: month.isLeap(), monthDays: month.getDayCount() };
}

/** The solar date of `month`/`day` in `year`; 29 Feb outside a leap year is 28 Feb. */
export function solarInYear(year: number, month: number, day: number): LocalDate {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(day, last) };
}

/** The day of 清明, a solar term (4 or 5 April), in `year`. */
export function qingmingOf(year: number): LocalDate {
  return toLocal(SolarTerm.fromName(year, '清明').getJulianDay().getSolarDay());
}

/**
 * Every solar date in solar `year` on which a yearly date falls, in order. A solar date falls
 * once; a lunar one falls once or, for a date late in 冬月/腊月, twice (the end of last lunar
 * year's and of this one's both reach this solar year) or not at all.
 */
export function datesInSolarYear(date: YearlyDate, year: number): LocalDate[] {
  if (date.calendar === 'solar') return [solarInYear(year, date.month, date.day)];
  return [year - 1, year].map((lunarYear) => solarOfLunar(lunarYear, date.month, date.day)).filter((d) => d.year === year);
}

/** Whether two local dates are the same day. */
export function sameDay(a: LocalDate, b: LocalDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}
