import type { OccasionPolicy, TierTexts } from '../../calendar/occasion-policy.ts';
import type { ContactRecord } from '../../ports.ts';
import { addDays, instantOf, localDateOf, type LocalDate } from '../../followups/local-time.ts';
import { followUpRep } from './follow-up.ts';
import type { Tier } from '../../tiers/policy.ts';
import type { OutreachItem, OutreachSkipReason } from '../outreach.ts';

/**
 * What the greeting planners (holiday, birthday, after-sale) share: who sends to a
 * customer and at which tier, the text for that tier, the days a planner looks back over,
 * and the pre-send check.
 */

/** The occasions config as the planners read it (config/occasions.jsonc, loaded by loadOccasions). */
export type OccasionSettings = Omit<OccasionPolicy, 'officialDaysOverlay'>;

/** What a planner reads from a stored contact. */
export type PlannedRecord = Pick<ContactRecord, 'contact' | 'engagement' | 'tier' | 'optOut'>;

export type Sender = { rep: string; tier: Tier } | { skip: Extract<OutreachSkipReason, 'customer_left' | 'no_rep' | 'no_tier'> };

/**
 * The rep who sends (the customer's current rep, as for follow-ups) and the stored tier.
 * Without a rep no item can be built (the customer left, or no relation is active); the
 * pipeline applies the rest of personalSkip (opted out, churned) to the items.
 */
export function senderOf(record: PlannedRecord): Sender {
  // The same order as personalSkip, so a preview counts a customer under one reason.
  if (record.engagement.customerLeft) return { skip: 'customer_left' };
  const rep = followUpRep(record.contact.follows);
  if (rep === null) return { skip: 'no_rep' };
  if (!record.tier) return { skip: 'no_tier' };
  return { rep, tier: record.tier.tier };
}

/**
 * The tier's text. Only A's may name the customer (the occasions schema refuses `{name}`
 * elsewhere): the rep's remark for them (what the rep calls them), else their WeCom name.
 */
export function greetingText(texts: TierTexts, tier: Tier, record: PlannedRecord, rep: string): string {
  const text = texts[tier];
  if (tier !== 'A') return text;
  const remark = record.contact.follows.find((f) => f.userId === rep && f.status === 'active')?.remark?.trim();
  const name = remark || record.contact.name;
  return text.replaceAll('{name}', name);
}

/** Today (the local day of `now`) and the `catchUpDays` days before it, today first. */
export function daysBack(now: number, timeZone: string, catchUpDays: number): LocalDate[] {
  const today = localDateOf(now, timeZone);
  return Array.from({ length: catchUpDays + 1 }, (_, i) => addDays(today, -i));
}

/** The instant of minute `at` (0-1440) on local `date`. */
export function atMinute(date: LocalDate, at: number, timeZone: string): number {
  return instantOf(date, at, timeZone);
}

/**
 * A yearly occasion's key part: the solar year of the occurrence, plus `-2` for the second
 * occurrence of the same lunar date in one solar year (a date late in 冬月 or 腊月 can fall
 * in early January and again in late December). Keyed by occurrence, not by today, so a
 * catch-up on 2 January still names last year's greeting; keyed by year, not by the exact
 * date, so a profile corrected after the greeting does not earn a second one that year.
 */
export function occurrenceYear(date: LocalDate, occurrencesInYear: readonly LocalDate[]): string {
  const index = occurrencesInYear.findIndex((d) => d.month === date.month && d.day === date.day);
  return index > 0 ? `${date.year}-${index + 1}` : String(date.year);
}

/** stillDue for every greeting kind: the same rep still sends (relation active) and the tier has not changed. */
export function sameSenderStill(record: PlannedRecord, item: Pick<OutreachItem, 'rep' | 'tier'>): boolean {
  const sender = senderOf(record);
  return 'rep' in sender && sender.rep === item.rep && sender.tier === item.tier;
}

/** Adds one to a skip count. */
export function countSkip(skipped: Partial<Record<OutreachSkipReason, number>>, reason: OutreachSkipReason, n = 1): void {
  skipped[reason] = (skipped[reason] ?? 0) + n;
}

/**
 * Per-day facts a planner's dueOn needs, computed once per local day rather than per
 * customer: the pipeline asks dueOn of every higher kind for every lower-kind candidate
 * (a million follow-ups), and Intl and the lunar calendar are the slow part.
 */
export class DayMemo<T> {
  private day: { start: number; end: number; value: T } | null = null;

  constructor(private readonly timeZone: string, private readonly compute: (date: LocalDate, start: number, end: number) => T) {}

  /** The value for the local day of `now`. */
  of(now: number): T {
    if (this.day && now >= this.day.start && now < this.day.end) return this.day.value;
    const date = localDateOf(now, this.timeZone);
    const start = instantOf(date, 0, this.timeZone);
    const end = instantOf(addDays(date, 1), 0, this.timeZone);
    this.day = { start, end, value: this.compute(date, start, end) };
    return this.day.value;
  }
}
