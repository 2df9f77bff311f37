import type { ContactRecord } from '../ports.ts';
import type { Tier } from '../tiers/policy.ts';

/**
 * Outreach: every automated message Fenji sends a customer from their rep (a follow-up, a
 * holiday or birthday greeting, an after-sale care step). Each kind has a planner that says
 * who is due today and with what text; all kinds then go through the same claim → guard →
 * send → read-back path, so one set of guards holds for all of them.
 */

/**
 * The kinds, highest priority first. A customer gets at most one automated message a day:
 * when several kinds are due the same day, the first here goes out and the others give way
 * (they are planned again the next day, not lost).
 */
export const OUTREACH_KINDS = ['birthday', 'holiday', 'aftersale', 'followup'] as const;
export type OutreachKind = (typeof OUTREACH_KINDS)[number];

/** zh-CN labels for previews, logs a manager reads and the rep's list. */
export const OUTREACH_KIND_LABELS: Record<OutreachKind, string> = { birthday: '生日祝福', holiday: '节日问候', aftersale: '售后关怀', followup: '跟进' };

/** One message a planner proposes for one customer. */
export interface OutreachItem {
  kind: OutreachKind;
  /**
   * What makes it one occasion: a customer gets at most one message per key, ever, across
   * restarts, retries and scheduler processes. E.g. `holiday:midAutumn:2026`,
   * `birthday:2026`, `aftersale:<paid day>:7`, `followup:<due day>`. The ledger keeps one
   * Redis hash per key (a field per customer), so customers of one occasion should share
   * it: a key per customer or per order costs a key each at a million customers.
   */
  occasionKey: string;
  externalUserId: string;
  /** Who sends it: the customer's current rep. */
  rep: string;
  tier: Tier;
  /**
   * The text. For A (the rep's personal list) it may name the customer; for B/C/D it is the
   * same for everyone of the (rep, kind, occasion, tier) group, which becomes one 企业群发.
   */
  text: string;
  /** The earliest instant it may go out (the occasion's hour on its day, FENJI_TIMEZONE). */
  notBefore: number;
  /** Human label: 中秋, 生日, 售后回访（第 7 天）, 跟进. */
  label: string;
}

/**
 * Why a customer gets no message (stable codes: logs, preview, job results).
 * Per customer (personalSkip): customer_left, churned, opted_out, no_rep, no_tier.
 * Per planner: disabled (the occasion is off), not_today, not_yet (before the hour).
 * From the ledger (OutreachGuardCheck): already_sent (this occasion, ever), day_taken
 * (another message today, or a higher kind is due today), capped (WeCom's receive rule),
 * quiet_hours.
 */
export type OutreachSkipReason =
  | 'customer_left' | 'churned' | 'opted_out' | 'no_rep' | 'no_tier'
  | 'disabled' | 'not_today' | 'not_yet'
  | 'already_sent' | 'day_taken' | 'gave_way' | 'capped' | 'quiet_hours';

/** One page of a planner's day: items due and counts of who was skipped and why. */
export interface OutreachPlanPage {
  items: OutreachItem[];
  skipped: Partial<Record<OutreachSkipReason, number>>;
  /** Opaque; null when the day's candidates are exhausted. */
  nextCursor: string | null;
  /** The records the planner read for its items, by id (optional: the pipeline reads the others itself). */
  records?: ReadonlyMap<string, ContactRecord>;
}

export interface OutreachPlanner {
  readonly kind: OutreachKind;
  /**
   * The items due at `now` (its local day, the occasion's hour passed) among one page of the
   * day's candidates after `cursor`. Reads only (through ports the planner is given); the
   * pipeline applies personalSkip and the ledger's guards after it.
   */
  page(now: number, cursor: string | null, limit: number): Promise<OutreachPlanPage>;
  /**
   * Whether this kind has something for `record` on the local day of `now`, at any hour.
   * Pure. Lower kinds give way to it ('gave_way'), so a follow-up planned at 08:00 does not
   * take the day from a birthday greeting due at 09:30.
   */
  dueOn(record: ContactRecord, now: number): boolean;
  /** Right before sending: whether `item` still holds for `record` (same rep and tier, relation active). Pure. */
  stillDue(record: ContactRecord, item: OutreachItem, now: number): boolean;
  /**
   * Optional: a name for this kind's whole pass at `now` (all its pages) when, once a run
   * has completed it, the same day's later runs would find nothing new worth reading it
   * all again for (the holiday planner reads every contact); null when there is no such
   * pass. The plan job records completed passes and skips them; the preview ignores this.
   */
  passKey?(now: number): string | null;
  /**
   * Optional: run once before a plan run's first page, e.g. to file data stored before the
   * planner's candidate index existed (writes index entries only; a no-op once done). The
   * plan job calls it; the preview, which writes nothing, does not.
   */
  prepare?(): Promise<void>;
}

/** Read-only: what the ledger's guards would say about each item now (the preview uses it; claiming decides the same way). */
export interface OutreachGuardCheck {
  check(items: readonly OutreachItem[], now: number): Promise<Array<'ok' | Extract<OutreachSkipReason, 'already_sent' | 'day_taken' | 'capped'>>>;
}
