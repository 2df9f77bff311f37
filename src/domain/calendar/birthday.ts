import type { Birthday } from '../contacts/contact.ts';
import type { LocalDate } from '../followups/local-time.ts';
import { datesInSolarYear, sameDay, solarInYear, solarOfLunar } from './lunar.ts';

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
