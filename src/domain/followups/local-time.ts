/**
 * Wall-clock arithmetic in the business time zone (FENJI_TIMEZONE) with Intl only: which
 * local day and minute an instant falls on, and the instant of a local day's minute.
 * Days are calendar days, so "3 days later" stays at the same local time across DST.
 */

/** A local calendar date. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall-clock fields of an instant. */
function fields(ms: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** Local time minus UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const f = fields(ms, timeZone);
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - whole;
}

/** The local date of an instant. */
export function localDateOf(ms: number, timeZone: string): LocalDate {
  const { year, month, day } = fields(ms, timeZone);
  return { year, month, day };
}

/** Minutes since local midnight (0-1439) of an instant. */
export function localMinuteOf(ms: number, timeZone: string): number {
  const f = fields(ms, timeZone);
  return f.hour * 60 + f.minute;
}

/** The date `days` calendar days after (or before) `date`. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instant when the local clock shows `minute` (0-1440) on `date`. A time skipped by a
 * DST change maps to the instant just after the gap's start, the way clocks jump.
 */
export function instantOf(date: LocalDate, minute: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minute);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}
