import { birthdaysFallingOn, isBirthdayOn } from '../../calendar/birthday.ts';
import { datesInSolarYear, type YearlyDate } from '../../calendar/lunar.ts';
import type { Greeting } from '../../calendar/occasion-policy.ts';
import { localDateOf, type LocalDate } from '../../followups/local-time.ts';
import type { ContactRecord } from '../../ports.ts';
import type { OutreachItem, OutreachPlanPage, OutreachPlanner, OutreachSkipReason } from '../outreach.ts';
import { atMinute, countSkip, DayMemo, daysBack, greetingText, occurrenceYear, sameSenderStill, senderOf, type OccasionSettings, type PlannedRecord } from './greeting.ts';
import type { BirthdayIndex, RecordsById } from './ports.ts';

/**
 * How many days after a birthday its greeting is still offered: one that gave way, or met
 * a full day or a capped customer, waits for the next day instead of being lost (the
 * pipeline's once-per-occasion guard stops repeats). Two days, as for festivals: a belated
 * 生日快乐 is still welcome, a week late it is not.
 */
export const BIRTHDAY_CATCH_UP_DAYS = 2;

const dateKey = (d: YearlyDate) => `${d.calendar} ${d.month} ${d.day}`;

/** The label a manager and a rep read. */
const LABEL = '生日';

/**
 * The occasion key of the birthday that falls on `date`: `birthday:<solar year>`. A lunar
 * birthday late in 冬月/腊月 can fall twice in one solar year (2026-01-03 and 2026-12-23 for
 * 冬月十五): the second is `birthday:<year>-2`, so neither is lost, and each occurrence
 * keeps its key through its catch-up days (across New Year too), so neither doubles.
 */
export function birthdayKey(birthday: YearlyDate, date: LocalDate): string {
  return `birthday:${occurrenceYear(date, datesInSolarYear(birthday, date.year))}`;
}

/**
 * The birthday greeting one customer is due at `now`, if their birthday falls on one of
 * `days` (today and the catch-up days), or why not.
 */
export function birthdayItemFor(record: PlannedRecord, days: readonly LocalDate[], greeting: Greeting, now: number, timeZone: string): OutreachItem | OutreachSkipReason {
  const birthday = record.contact.profile.birthday;
  const day = birthday && days.find((d) => isBirthdayOn(birthday, d));
  // The index said so, but the profile moved on since (or it never had a birthday).
  if (!birthday || !day) return 'not_today';
  if (!greeting.enabled) return 'disabled';
  const notBefore = atMinute(day, greeting.at, timeZone);
  if (now < notBefore) return 'not_yet';
  const sender = senderOf(record);
  if ('skip' in sender) return sender.skip;
  return {
    kind: 'birthday', occasionKey: birthdayKey(birthday, day), externalUserId: record.contact.externalUserId, rep: sender.rep, tier: sender.tier,
    text: greetingText(greeting.texts, sender.tier, record, sender.rep), notBefore, label: LABEL,
  };
}

export interface BirthdayPlannerDeps {
  /** Candidates by stated month-day: never a scan of everyone. */
  index: BirthdayIndex;
  records: RecordsById;
  occasions: OccasionSettings;
  timeZone: string;
}

/**
 * 生日祝福: customers whose profile birthday (solar or lunar, birthday.ts's rules) is today,
 * or was within BIRTHDAY_CATCH_UP_DAYS, get the tier's birthday text from their current
 * rep after the configured hour. Candidates: the birthday index's sets for the month-days
 * that fall on those days (birthdaysFallingOn); the record decides.
 */
export class BirthdayPlanner implements OutreachPlanner {
  readonly kind = 'birthday' as const;
  private readonly deps: BirthdayPlannerDeps;
  /** The stated birthdays that fall on the local day (birthdaysFallingOn), as `calendar month day`. */
  private readonly fallingToday: DayMemo<Set<string>>;

  constructor(deps: BirthdayPlannerDeps) {
    this.deps = deps;
    this.fallingToday = new DayMemo(deps.timeZone, (date) => new Set(birthdaysFallingOn(date).map(dateKey)));
  }

  /** Files contacts (orders) stored before the index existed, once. */
  async prepare(): Promise<void> {
    await this.deps.index.backfillOnce();
  }

  async page(now: number, cursor: string | null, limit: number): Promise<OutreachPlanPage> {
    const { index, records, occasions, timeZone } = this.deps;
    if (!occasions.birthday.enabled) return { items: [], skipped: {}, nextCursor: null };
    const days = daysBack(now, timeZone, BIRTHDAY_CATCH_UP_DAYS);
    const dates = days.flatMap(birthdaysFallingOn);
    const found = await index.candidates(dates, cursor, limit);
    const items: OutreachItem[] = [];
    const skipped: OutreachPlanPage['skipped'] = {};
    const read = new Map<string, ContactRecord>();
    for (const record of await records.getMany(found.ids)) {
      const item = birthdayItemFor(record, days, occasions.birthday, now, timeZone);
      if (typeof item === 'string') countSkip(skipped, item);
      else {
        items.push(item);
        read.set(item.externalUserId, record);
      }
    }
    return { items, skipped, nextCursor: found.nextCursor, records: read };
  }

  dueOn(record: ContactRecord, now: number): boolean {
    const birthday = record.contact.profile.birthday;
    // birthdaysFallingOn is the exact inverse of isBirthdayOn (tested), and computed once a day.
    return this.deps.occasions.birthday.enabled && birthday !== undefined
      && this.fallingToday.of(now).has(dateKey(birthday)) && 'rep' in senderOf(record);
  }

  /** Also: the birthday is still on the item's day (a corrected profile is not greeted on the old date). */
  stillDue(record: ContactRecord, item: OutreachItem, _now: number): boolean {
    const birthday = record.contact.profile.birthday;
    return sameSenderStill(record, item) && birthday !== undefined && isBirthdayOn(birthday, localDateOf(item.notBefore, this.deps.timeZone));
  }
}
