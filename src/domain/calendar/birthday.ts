import type { Birthday } from '../contacts/contact.ts';
import type { LocalDate } from '../followups/local-time.ts';
import { datesInSolarYear, lunarOf, sameDay, solarInYear, solarOfLunar, type YearlyDate } from './lunar.ts';

/**
 * The solar date of a contact's birthday in `year`: a solar birthday on its month and day
 * (29 Feb → 28 Feb outside leap years); a lunar one (农历) on its month and day of lunar year
 * `year`, so it moves every year (a leap month counts as its month; the 30th of a 29-day
 * month is its last day).
 */
export function birthdayInYear(birthday: Birthday, year: number): LocalDate {
  return birthday.calendar === 'solar'
    ? solarInYear(year, birthday.month, birthday.day)
    : solarOfLunar(year, birthday.month, birthday.day);
}

/** Whether local `date` is the contact's birthday (a late-腊月 lunar one may come twice a solar year). */
export function isBirthdayOn(birthday: Birthday, date: LocalDate): boolean {
  return datesInSolarYear(birthday, date.year).some((d) => sameDay(d, date));
}

/**
 * The birthdays, as a profile states them (calendar, month, day), that fall on local
 * `date`: the inverse of birthdayInYear, so an index by month-day can be asked for today.
 * Its solar month-day, and 29 Feb on 28 Feb of a common year; its lunar month-day, and the
 * 30th on the last day of a 29-day month; none on the days of a leap month (闰月): a
 * birthday in month m falls in the ordinary month m, which comes first.
 */
export function birthdaysFallingOn(date: LocalDate): YearlyDate[] {
  const { year, month, day } = date;
  const solar: YearlyDate[] = [{ calendar: 'solar', month, day }];
  if (month === 2 && day === 28 && solarInYear(year, 2, 29).day === 28) solar.push({ calendar: 'solar', month: 2, day: 29 });
  const lunar = lunarOf(date);
  if (lunar.leap) return solar;
  solar.push({ calendar: 'lunar', month: lunar.month, day: lunar.day });
  if (lunar.day === 29 && lunar.monthDays === 29) solar.push({ calendar: 'lunar', month: lunar.month, day: 30 });
  return solar;
}
