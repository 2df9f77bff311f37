import type { Tier } from '../tiers/policy.ts';
import type { OutreachKind, OutreachSkipReason } from './outreach.ts';

/**
 * What one send's call did (an add_msg_template task, or the parts of a rep's A list),
 * saved so that a retry never sends twice: 'calling' just before the call (a retry that
 * finds it cannot know whether WeCom got it), 'created' with WeCom's answer (msgid null:
 * WeCom said 41048, nobody can receive), 'unknown' when WeCom may or may not have it.
 * For A lists, 'calling' also says how many `parts` were surely sent and whether the next
 * one is `inFlight` (a retry counts an in-flight part as sent and goes on after it).
 */
export type SendOutcome =
  | { state: 'calling'; recipients: string[]; at: number; parts?: number; inFlight?: boolean }
  | { state: 'created'; msgid: string | null; failList: string[]; recipients: string[]; at: number }
  | { state: 'unknown'; recipients: string[]; at: number };

/** The ledger's view of one item: whose, which occasion, and whether WeCom's receive cap counts it. */
export interface LedgerItem {
  externalUserId: string;
  occasionKey: string;
  /** 企业群发 (add_msg_template) counts against the customer's receive cap; a rep's own chat (the A list) does not. */
  counts: boolean;
}

/** An item with the send job that claims it. */
export interface OwnedLedgerItem extends LedgerItem {
  owner: string;
}

/** What the ledger says of an item: free to send, or why not. */
export type LedgerVerdict = 'ok' | Extract<OutreachSkipReason, 'already_sent' | 'day_taken' | 'capped'>;

/**
 * The outreach guards kept in the database, for every kind at once. Each claimed item
 * holds three marks for its owner (the send job): its occasion (once per customer and
 * occasionKey, ever), its customer's local day (one automated message a day) and, when it
 * counts, a place under the customer's receive cap (WeCom's rule). `at` is the claim's
 * instant: it names the day and cap period the marks live in, so later calls about the
 * same claim pass the same `at`. Claims expire at `until` unless sent or held longer.
 */
export interface OutreachLedger {
  /** Atomically, per item: refuses (already_sent, day_taken, capped) or marks all three for `owner` ('ok'). The owner's own marks renew. */
  claim(items: readonly LedgerItem[], owner: string, at: number, until: number): Promise<LedgerVerdict[]>;
  /**
   * claim with an owner per item, in one go, in order (a later item sees the marks of an
   * earlier one): a planning page whose items go to hundreds of send jobs is one call.
   */
  claimEach(items: readonly OwnedLedgerItem[], at: number, until: number): Promise<LedgerVerdict[]>;
  /** What claim would answer for another owner, writing nothing. */
  check(items: readonly LedgerItem[], at: number): Promise<LedgerVerdict[]>;
  /** The owner's claims last until `until`. */
  hold(items: readonly LedgerItem[], owner: string, at: number, until: number): Promise<void>;
  /** Sent: the occasion is taken for good, the day and the cap place stay with their period. */
  markSent(items: readonly LedgerItem[], owner: string, at: number): Promise<void>;
  /**
   * Undoes the owner's marks of items surely not sent (another owner's are left alone).
   * keepDay: the day stays taken (WeCom refused it today: try again tomorrow).
   */
  release(items: readonly LedgerItem[], owner: string, at: number, options?: { keepDay?: boolean }): Promise<void>;
  outcome(jobId: string): Promise<SendOutcome | null>;
  saveOutcome(jobId: string, outcome: SendOutcome): Promise<void>;
  clearOutcome(jobId: string): Promise<void>;
}

/**
 * Planning passes completed (OutreachPlanner.passKey): a run records a pass once it has read
 * every page of it and queued every send it planned, so later runs may skip it. A run that
 * stopped midway records nothing: the next run reads the pass again.
 */
export interface OutreachPasses {
  done(passKey: string): Promise<boolean>;
  markDone(passKey: string): Promise<void>;
}

/**
 * The follow-up due index, read: contacts by tier and follow-up anchor (followUpAnchor),
 * kept by the contact store with every record write.
 */
export interface FollowUpIndex {
  /** Indexes contacts stored before the index existed (once). */
  backfillOnce(): Promise<number>;
  /** Contacts of `tier` anchored before `before`, oldest first. */
  candidates(tier: Tier, before: number, offset: number, limit: number): Promise<string[]>;
}

/**
 * Contacts held by a follow-up task created before the outreach ledger existed (the
 * per-contact claims of the old followups queue), until their read-back settles them or
 * the claims expire (at most a week after the upgrade).
 */
export interface LegacyFollowUpClaims {
  held(ids: readonly string[]): Promise<Set<string>>;
}

/** Where dry runs (FENJI_DRY_RUN=1) put what they would have sent, instead of calling WeCom. */
export interface DryRunRecorder {
  record(entry: DryRunEntry): Promise<void>;
}

export interface DryRunEntry {
  at: number;
  jobId: string;
  api: 'add_msg_template' | 'message/send';
  kind: OutreachKind;
  rep: string;
  label: string;
  recipients: string[];
  /** The text(s) it would have sent: add_msg_template's one, or the list's parts. */
  texts: string[];
}
