import { occasionsInYear, occasionsOn, type CustomDate, type DatedOccasion } from '../../calendar/festivals.ts';
import type { TierTexts } from '../../calendar/occasion-policy.ts';
import { localDateOf, type LocalDate } from '../../followups/local-time.ts';
import { isoDate } from '../receive-rule.ts';
import type { ContactReads, ContactRecord } from '../../ports.ts';
import type { OutreachItem, OutreachPlanPage, OutreachPlanner, OutreachSkipReason } from '../outreach.ts';
import { atMinute, countSkip, DayMemo, daysBack, greetingText, occurrenceYear, sameSenderStill, senderOf, type OccasionSettings, type PlannedRecord } from './greeting.ts';

/**
 * How many days after a festival its greeting is still offered. A holiday greeting that
 * gave way to a birthday, or met a full day or a capped customer, waits for the next day
 * instead of being lost; the pipeline's once-per-occasion guard stops repeats. Two days:
 * "中秋快乐" two days late is still kind, a week late it is not.
 */
export const HOLIDAY_CATCH_UP_DAYS = 2;

/** One festival or custom date on one day, with what its greeting needs. */
export interface HolidayOccasion {
  /** The festival id (midAutumn) or the custom date's id. */
  id: string;
  /** Its zh-CN name (中秋): the item's label. */
  name: string;
  date: LocalDate;
  /** `holiday:<id>:<year>` (occurrenceYear: `-2` for a second lunar occurrence in one year). */
  occasionKey: string;
  /** The day at the occasion's hour (FENJI_TIMEZONE). */
  notBefore: number;
  enabled: boolean;
  /** 清明: shown in a preview, not greeted by default. */
  remembrance: boolean;
  custom: boolean;
  texts: TierTexts;
}

function customDates(settings: OccasionSettings): CustomDate[] {
  return settings.custom.map(({ id, name, date }) => ({ id, name, date }));
}

function toHoliday(o: DatedOccasion, settings: OccasionSettings, custom: readonly CustomDate[], timeZone: string): HolidayOccasion {
  const greeting = o.custom ? settings.custom.find((c) => c.id === o.id)! : settings.holidays[o.id as keyof OccasionSettings['holidays']];
  const sameOccasion = occasionsInYear(o.date.year, custom).filter((x) => x.id === o.id).map((x) => x.date);
  return {
    id: o.id, name: o.name, date: o.date, remembrance: o.remembrance, custom: o.custom,
    occasionKey: `holiday:${o.id}:${occurrenceYear(o.date, sameOccasion)}`,
    notBefore: atMinute(o.date, greeting.at, timeZone),
    enabled: greeting.enabled,
    texts: greeting.texts,
  };
}

/** The festivals and custom dates on local `date`, with their greeting settings, enabled or not. */
export function holidaysOn(date: LocalDate, settings: OccasionSettings, timeZone: string): HolidayOccasion[] {
  const custom = customDates(settings);
  return occasionsOn(date, custom).map((o) => toHoliday(o, settings, custom, timeZone));
}

/** The occasions on the local day of `now` and the HOLIDAY_CATCH_UP_DAYS before it, today's first. */
export function holidaysAround(now: number, settings: OccasionSettings, timeZone: string, catchUpDays = HOLIDAY_CATCH_UP_DAYS): HolidayOccasion[] {
  return daysBack(now, timeZone, catchUpDays).flatMap((day) => holidaysOn(day, settings, timeZone));
}

/**
 * The holiday greetings one customer is due at `now` among `occasions` (holidaysAround),
 * and why the others are not: counted once per customer and occasion.
 */
export function holidayItemsFor(record: PlannedRecord, occasions: readonly HolidayOccasion[], now: number): { items: OutreachItem[]; skipped: OutreachSkipReason[] } {
  const items: OutreachItem[] = [];
  const skipped: OutreachSkipReason[] = [];
  const sender = senderOf(record);
  for (const o of occasions) {
    if (!o.enabled) skipped.push('disabled');
    else if (now < o.notBefore) skipped.push('not_yet');
    else if ('skip' in sender) skipped.push(sender.skip);
    else {
      items.push({
        kind: 'holiday', occasionKey: o.occasionKey, externalUserId: record.contact.externalUserId, rep: sender.rep, tier: sender.tier,
        text: greetingText(o.texts, sender.tier, record, sender.rep), notBefore: o.notBefore, label: o.name,
      });
    }
  }
  return { items, skipped };
}

export interface HolidayPlannerDeps {
  /** Every stored contact, page by page (a holiday greets everyone). */
  contacts: Pick<ContactReads, 'list'>;
  occasions: OccasionSettings;
  timeZone: string;
}

/**
 * 节日问候: on a festival or custom date (config/occasions.jsonc), every stored customer with
 * a rep and a tier gets the tier's text from their current rep, after the occasion's hour.
 * Candidates are all stored contacts (ContactReads.list); on a day with no enabled occasion
 * in the window, page() reads nothing.
 */
export class HolidayPlanner implements OutreachPlanner {
  readonly kind = 'holiday' as const;
  private readonly deps: HolidayPlannerDeps;
  /** Whether the local day has an enabled occasion (dueOn runs per candidate of lower kinds). */
  private readonly greetedToday: DayMemo<boolean>;
  /** holidaysAround for the last `now` asked: a run asks with one `now` for each of its pages. */
  private lastWindow: { now: number; occasions: HolidayOccasion[] } | null = null;

  constructor(deps: HolidayPlannerDeps) {
    this.deps = deps;
    this.greetedToday = new DayMemo(deps.timeZone, (date) => holidaysOn(date, deps.occasions, deps.timeZone).some((o) => o.enabled));
  }

  async page(now: number, cursor: string | null, limit: number): Promise<OutreachPlanPage> {
    const { contacts } = this.deps;
    const window = this.window(now);
    // Nobody can be due: do not read every contact to say so.
    if (!window.some((o) => o.enabled && o.notBefore <= now)) return { items: [], skipped: {}, nextCursor: null };
    const page = await contacts.list({ cursor, limit });
    const items: OutreachItem[] = [];
    const skipped: OutreachPlanPage['skipped'] = {};
    // Handed to the pipeline with the items, so it neither reads nor decodes them again.
    const records = new Map<string, ContactRecord>();
    for (const record of page.records) {
      const found = holidayItemsFor(record, window, now);
      if (found.items.length > 0) records.set(record.contact.externalUserId, record);
      items.push(...found.items);
      for (const reason of found.skipped) countSkip(skipped, reason);
    }
    return { items, skipped, nextCursor: page.nextCursor, records };
  }

  /**
   * The day's pass over every contact for the occasions due now: `holiday:<local day>:<keys>`.
   * Once a run completed it, the day's later runs (every 15 minutes) skip it. Who could
   * not be greeted in it (a full day, the cap, a higher kind due) and contacts stored later
   * that day are read again the next day, a catch-up day with a pass of its own (contacts
   * stored on the last catch-up day after its pass are not greeted). An occasion whose hour
   * comes later the same day changes the key: a new pass.
   */
  passKey(now: number): string | null {
    const { occasions, timeZone } = this.deps;
    const due = holidaysAround(now, occasions, timeZone).filter((o) => o.enabled && o.notBefore <= now);
    if (due.length === 0) return null;
    return `holiday:${isoDate(localDateOf(now, timeZone))}:${due.map((o) => o.occasionKey).join(',')}`;
  }

  private window(now: number): HolidayOccasion[] {
    if (this.lastWindow?.now !== now) this.lastWindow = { now, occasions: holidaysAround(now, this.deps.occasions, this.deps.timeZone) };
    return this.lastWindow.occasions;
  }

  dueOn(record: ContactRecord, now: number): boolean {
    return this.greetedToday.of(now) && 'rep' in senderOf(record);
  }

  stillDue(record: ContactRecord, item: OutreachItem, _now: number): boolean {
    return sameSenderStill(record, item);
  }

}
