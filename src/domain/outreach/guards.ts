import { addDays, instantOf, localDateOf, localMinuteOf } from '../followups/local-time.ts';
import { inSpan, type DailySpan } from '../followups/policy.ts';
import type { ContactRecord } from '../ports.ts';
import { OUTREACH_KINDS, type OutreachKind, type OutreachPlanner } from './outreach.ts';

/**
 * The guards that need no database, the same for every kind (the ledger keeps the others:
 * once per occasion, one a day, the receive cap).
 */

/** Whether `now` lies in the quiet hours (the tier rules' followUps.quietHours, for every kind). */
export function inQuietHours(now: number, quietHours: DailySpan, timeZone: string): boolean {
  return inSpan(localMinuteOf(now, timeZone), quietHours);
}

/** When the quiet hours around `now` end (now itself when outside them). */
export function quietHoursEnd(now: number, quietHours: DailySpan, timeZone: string): number {
  if (!inQuietHours(now, quietHours, timeZone)) return now;
  const today = localDateOf(now, timeZone);
  const endToday = instantOf(today, quietHours.to, timeZone);
  return endToday > now ? endToday : instantOf(addDays(today, 1), quietHours.to, timeZone);
}

/** Planners in OUTREACH_KINDS order (highest priority first). @throws when two share a kind. */
export function byPriority<P extends Pick<OutreachPlanner, 'kind'>>(planners: readonly P[]): P[] {
  const kinds = new Set(planners.map((p) => p.kind));
  if (kinds.size !== planners.length) throw new Error('outreach: two planners of one kind');
  return [...planners].sort((a, b) => OUTREACH_KINDS.indexOf(a.kind) - OUTREACH_KINDS.indexOf(b.kind));
}

/**
 * Whether a `kind` message to `record` gives way today: a planner of a higher kind has
 * something for the same customer on the local day of `now` (at any hour), and one
 * automated message a day is all a customer gets. The lower one is planned again the next
 * day, so it is late, not lost.
 */
export function givesWay(kind: OutreachKind, record: ContactRecord, planners: readonly Pick<OutreachPlanner, 'kind' | 'dueOn'>[], now: number): boolean {
  const rank = OUTREACH_KINDS.indexOf(kind);
  return planners.some((p) => OUTREACH_KINDS.indexOf(p.kind) < rank && p.dueOn(record, now));
}

/** The customer's name as the rep knows it: the rep's remark, else their WeCom name. */
export function customerName(record: ContactRecord, rep: string): string {
  const remark = record.contact.follows.find((f) => f.userId === rep)?.remark?.trim();
  return remark || record.contact.name;
}
