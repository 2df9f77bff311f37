import { officialDayOf, type OfficialDay, type OfficialDays } from '../calendar/official-days.ts';
import { instantOf, localDateOf, type LocalDate } from '../followups/local-time.ts';
import type { ContactRecord } from '../ports.ts';
import type { Tier } from '../tiers/policy.ts';
import { OUTREACH_KINDS, type OutreachGuardCheck, type OutreachItem, type OutreachKind, type OutreachPlanner, type OutreachSkipReason } from './outreach.ts';
import { personalSkip } from './personal-skip.ts';
import type { OccasionSettings } from './planners/greeting.ts';
import { holidaysOn, type HolidayOccasion } from './planners/holiday.ts';
import type { RecordsById } from './planners/ports.ts';

/**
 * What Fenji would send on one day, without sending or writing anything: the day's
 * occasions (festivals, custom dates, the official day off or 调休 working day), then per
 * kind and occasion who would get what, by rep and tier, and who would be skipped and why.
 * The same planners and per-customer guards as the plan job; the ledger's guards only
 * when a read-only OutreachGuardCheck is given.
 */

const PAGE = 500;

export interface PreviewDeps {
  /** The planners to run, any order (they are run in OUTREACH_KINDS order). */
  planners: readonly OutreachPlanner[];
  records: RecordsById;
  /** The ledger's verdicts (already sent, day taken, capped); without it those are not checked. */
  guard?: OutreachGuardCheck;
  occasions: OccasionSettings;
  official: OfficialDays;
  timeZone: string;
  /** When follow-ups are planned (their send window's start, minutes); default 23:59. */
  followUpMinute?: number;
}

export interface PreviewOptions {
  date: LocalDate;
  /** The minute (0-1439) to plan at; default: each kind's hour (defaultMinute). */
  at?: number;
}

/** One recipient list: a rep's customers of one tier for one occasion. */
export interface PreviewGroup {
  rep: string;
  tier: Tier;
  /** B/C/D: the one text of the 企业群发; A: each item names its customer. */
  items: Array<OutreachItem & { name: string }>;
}

export interface PreviewOccasion {
  kind: OutreachKind;
  label: string;
  /** Offered after its day (catch-up): its day, else null. */
  catchUpOf: LocalDate | null;
  groups: PreviewGroup[];
  skipped: Partial<Record<OutreachSkipReason, number>>;
}

export interface PreviewKind {
  kind: OutreachKind;
  /** The instant the planner ran at. */
  at: number;
  /** The planner's own skip counts (no tier, not today, before the hour, off …). */
  skipped: Partial<Record<OutreachSkipReason, number>>;
  occasions: PreviewOccasion[];
}

export interface DayPreview {
  date: LocalDate;
  holidays: HolidayOccasion[];
  official: OfficialDay | undefined;
  /** False when the State Council's schedule for the year is not in the data yet. */
  officialKnown: boolean;
  kinds: PreviewKind[];
  /** Whether the ledger's guards were checked. */
  guarded: boolean;
}

/**
 * The minute a kind is previewed at when --at is not given: its occasion's hour, so
 * everything of the day is due (holiday: the latest hour of the day's greeted occasions).
 * Other kinds (follow-ups) at 23:59, when anything of the day is due.
 */
export function defaultMinute(kind: OutreachKind, date: LocalDate, settings: OccasionSettings, timeZone: string, followUpMinute = 23 * 60 + 59): number {
  if (kind === 'birthday') return settings.birthday.at;
  if (kind === 'aftersale') return settings.afterSale.at;
  if (kind === 'holiday') {
    const hours = holidaysOn(date, settings, timeZone).filter((o) => o.enabled).map((o) => localMinute(o.notBefore, o.date, timeZone));
    return hours.length > 0 ? Math.max(...hours) : 9 * 60 + 30;
  }
  return followUpMinute;
}

const localMinute = (instant: number, date: LocalDate, timeZone: string) => Math.round((instant - instantOf(date, 0, timeZone)) / 60_000);
const sameDay = (a: LocalDate, b: LocalDate) => a.year === b.year && a.month === b.month && a.day === b.day;
const bump = (counts: Partial<Record<OutreachSkipReason, number>>, reason: OutreachSkipReason) => void (counts[reason] = (counts[reason] ?? 0) + 1);

/** Runs every planner over the day and applies the guards, reading only. */
export async function previewDay(deps: PreviewDeps, options: PreviewOptions): Promise<DayPreview> {
  const { date } = options;
  const ordered = [...deps.planners].sort((a, b) => OUTREACH_KINDS.indexOf(a.kind) - OUTREACH_KINDS.indexOf(b.kind));
  const dayTaken = new Set<string>();
  const kinds: PreviewKind[] = [];
  for (const [rank, planner] of ordered.entries()) {
    const at = instantOf(date, options.at ?? defaultMinute(planner.kind, date, deps.occasions, deps.timeZone, deps.followUpMinute), deps.timeZone);
    const { items, skipped } = await allPages(planner, at);
    const records = new Map<string, ContactRecord>();
    const ids = [...new Set(items.map((i) => i.externalUserId))];
    for (let i = 0; i < ids.length; i += PAGE) {
      for (const r of await deps.records.getMany(ids.slice(i, i + PAGE))) records.set(r.contact.externalUserId, r);
    }
    const higher = ordered.slice(0, rank);
    // Per-customer guards first, then the day: a higher kind due today, or the day already used here.
    const verdicts = items.map((item): OutreachSkipReason | 'ok' => {
      const record = records.get(item.externalUserId);
      if (!record) return 'not_today';
      const personal = personalSkip(record);
      if (personal) return personal;
      if (higher.some((p) => p.dueOn(record, at))) return 'gave_way';
      return dayTaken.has(item.externalUserId) ? 'day_taken' : 'ok';
    });
    const open = items.filter((_, i) => verdicts[i] === 'ok');
    const ledger = deps.guard && open.length > 0 ? await deps.guard.check(open, at) : open.map(() => 'ok' as const);
    open.forEach((item, i) => (verdicts[items.indexOf(item)] = ledger[i]!));
    const occasions = new Map<string, PreviewOccasion>();
    items.forEach((item, i) => {
      const day = localDateOf(item.notBefore, deps.timeZone);
      const key = `${item.label}|${sameDay(day, date) ? '' : `${day.year}-${day.month}-${day.day}`}`;
      let occasion = occasions.get(key);
      if (!occasion) {
        occasion = { kind: planner.kind, label: item.label, catchUpOf: sameDay(day, date) ? null : day, groups: [], skipped: {} };
        occasions.set(key, occasion);
      }
      const verdict = verdicts[i]!;
      // A customer's second item the same day (two occasions) waits like any other.
      if (verdict === 'ok' && dayTaken.has(item.externalUserId)) return bump(occasion.skipped, 'day_taken');
      if (verdict !== 'ok') return bump(occasion.skipped, verdict);
      dayTaken.add(item.externalUserId);
      let group = occasion.groups.find((g) => g.rep === item.rep && g.tier === item.tier);
      if (!group) occasion.groups.push((group = { rep: item.rep, tier: item.tier, items: [] }));
      group.items.push({ ...item, name: records.get(item.externalUserId)!.contact.name });
    });
    for (const o of occasions.values()) o.groups.sort((a, b) => (a.rep < b.rep ? -1 : a.rep > b.rep ? 1 : a.tier < b.tier ? -1 : 1));
    kinds.push({ kind: planner.kind, at, skipped, occasions: [...occasions.values()] });
  }
  return {
    date,
    holidays: holidaysOn(date, deps.occasions, deps.timeZone),
    official: officialDayOf(deps.official, date),
    officialKnown: deps.official.years.has(date.year),
    kinds,
    guarded: deps.guard !== undefined,
  };
}

/** Every page of a planner's day at `at`. */
async function allPages(planner: OutreachPlanner, at: number): Promise<{ items: OutreachItem[]; skipped: Partial<Record<OutreachSkipReason, number>> }> {
  const items: OutreachItem[] = [];
  const skipped: Partial<Record<OutreachSkipReason, number>> = {};
  let cursor: string | null = null;
  do {
    const page = await planner.page(at, cursor, PAGE);
    items.push(...page.items);
    for (const [reason, n] of Object.entries(page.skipped) as [OutreachSkipReason, number][]) skipped[reason] = (skipped[reason] ?? 0) + n;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { items, skipped };
}
