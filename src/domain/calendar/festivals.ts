import type { LocalDate } from '../followups/local-time.ts';
import { datesInSolarYear, qingmingOf, sameDay, type YearlyDate } from './lunar.ts';

/** The festivals Fenji knows, by the id config/occasions.jsonc uses. */
export const FESTIVAL_IDS = [
  'newYear', 'springFestival', 'lanternFestival', 'qingming', 'labourDay',
  'dragonBoat', 'qixi', 'midAutumn', 'nationalDay', 'doubleNinth',
] as const;

export type FestivalId = (typeof FESTIVAL_IDS)[number];

/** How each festival's date is found: a solar or lunar date, or 清明's solar term. */
const RULES: Record<FestivalId, { name: string; date: YearlyDate | 'qingming' }> = {
  newYear: { name: '元旦', date: { calendar: 'solar', month: 1, day: 1 } },
  springFestival: { name: '春节', date: { calendar: 'lunar', month: 1, day: 1 } },
  lanternFestival: { name: '元宵', date: { calendar: 'lunar', month: 1, day: 15 } },
  qingming: { name: '清明', date: 'qingming' },
  labourDay: { name: '劳动节', date: { calendar: 'solar', month: 5, day: 1 } },
  dragonBoat: { name: '端午', date: { calendar: 'lunar', month: 5, day: 5 } },
  qixi: { name: '七夕', date: { calendar: 'lunar', month: 7, day: 7 } },
  midAutumn: { name: '中秋', date: { calendar: 'lunar', month: 8, day: 15 } },
  nationalDay: { name: '国庆', date: { calendar: 'solar', month: 10, day: 1 } },
  doubleNinth: { name: '重阳', date: { calendar: 'lunar', month: 9, day: 9 } },
};

/** A day of its own from config: a company anniversary, a shop's 店庆. */
export interface CustomDate {
  id: string;
  name: string;
  date: YearlyDate;
}

/** One occasion on one local date. */
export interface DatedOccasion {
  id: string;
  name: string;
  date: LocalDate;
  /** 清明: a day of remembrance, shown in a preview but not greeted by default. */
  remembrance: boolean;
  custom: boolean;
}

const byDate = (a: DatedOccasion, b: DatedOccasion) =>
  a.date.year - b.date.year || a.date.month - b.date.month || a.date.day - b.date.day;

/** The festivals of solar `year` with their dates, in date order. */
export function festivalsInYear(year: number): DatedOccasion[] {
  return FESTIVAL_IDS.flatMap((id) => {
    const { name, date } = RULES[id];
    const dates = date === 'qingming' ? [qingmingOf(year)] : datesInSolarYear(date, year);
    return dates.map((d) => ({ id, name, date: d, remembrance: id === 'qingming', custom: false }));
  }).sort(byDate);
}

/** The festivals and custom dates of solar `year`, in date order. */
export function occasionsInYear(year: number, custom: readonly CustomDate[]): DatedOccasion[] {
  const mine = custom.flatMap(({ id, name, date }) =>
    datesInSolarYear(date, year).map((d) => ({ id, name, date: d, remembrance: false, custom: true })));
  return [...festivalsInYear(year), ...mine].sort(byDate);
}

/** The occasions that fall on local `date`. */
export function occasionsOn(date: LocalDate, custom: readonly CustomDate[]): DatedOccasion[] {
  return occasionsInYear(date.year, custom).filter((o) => sameDay(o.date, date));
}
