import published from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDays, type LocalDate } from '../followups/local-time.ts';

/**
 * The official days off and make-up working days (调休) the State Council publishes each
 * year (国务院办公厅 notice, usually in November for the next year). They come from the
 * chinese-days package, which its maintainers update from each notice; an overlay from
 * config (config/holidays-overlay.jsonc) adds a year the package does not have yet, or
 * replaces one it has.
 */

/** One holiday of a year in the overlay: days off `from`..`to` (inclusive) and its make-up working days. */
export interface OverlayHoliday {
  name: string;
  off: [from: string, to: string];
  workdays: string[];
}

/** The overlay file: holidays by year ("2027": […]). */
export type OfficialDaysOverlay = Record<string, OverlayHoliday[]>;

export interface OfficialDays {
  /** Years with published data (the package's and the overlay's). */
  years: ReadonlySet<number>;
  /** "YYYY-MM-DD" → what the day is. */
  days: ReadonlyMap<string, OfficialDay>;
}

export interface OfficialDay {
  kind: 'off' | 'workday';
  /** The holiday the day belongs to, e.g. 春节 (a make-up working day names the holiday it pays for). */
  name: string;
}

const isoOf = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const yearOf = (iso: string) => Number(iso.slice(0, 4));

/** The package's entries, "English name,中文名,days" by date, as the year each date is listed under. */
function fromPackage(): Map<number, Map<string, OfficialDay>> {
  const byYear = new Map<number, Map<string, OfficialDay>>();
  const add = (entries: Record<string, string>, kind: OfficialDay['kind']) => {
    for (const [iso, label] of Object.entries(entries)) {
      const year = yearOf(iso);
      if (!byYear.has(year)) byYear.set(year, new Map());
      byYear.get(year)!.set(iso, { kind, name: label.split(',')[1] ?? label });
    }
  };
  add(published.holidays, 'off');
  add(published.workdays, 'workday');
  return byYear;
}

function fromOverlay(holidays: readonly OverlayHoliday[]): Map<string, OfficialDay> {
  const days = new Map<string, OfficialDay>();
  for (const { name, off: [from, to], workdays } of holidays) {
    for (let d = { year: yearOf(from), month: Number(from.slice(5, 7)), day: Number(from.slice(8, 10)) }; isoOf(d) <= to; d = addDays(d, 1)) {
      days.set(isoOf(d), { kind: 'off', name });
    }
    for (const iso of workdays) days.set(iso, { kind: 'workday', name });
  }
  return days;
}

/** The package's data with the overlay's years laid over it (a year in the overlay replaces the package's). */
export function officialDays(overlay: OfficialDaysOverlay): OfficialDays {
  const byYear = fromPackage();
  for (const [year, holidays] of Object.entries(overlay)) byYear.set(Number(year), fromOverlay(holidays));
  const days = new Map<string, OfficialDay>();
  for (const entries of byYear.values()) for (const [iso, day] of entries) days.set(iso, day);
  return { years: new Set(byYear.keys()), days };
}

/** What `date` officially is: a day off, a make-up working day, or (undefined) an ordinary day. */
export function officialDayOf(official: OfficialDays, date: LocalDate): OfficialDay | undefined {
  return official.days.get(isoOf(date));
}

/** The years that the `days` days from `from` (both ends counted) reach without published data, in order. */
export function yearsWithoutOfficialDays(official: OfficialDays, from: LocalDate, days: number): number[] {
  const last = addDays(from, days);
  const missing: number[] = [];
  for (let year = from.year; year <= last.year; year++) if (!official.years.has(year)) missing.push(year);
  return missing;
}
