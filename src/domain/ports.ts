import type { Contact, FollowRelation, Interaction, Order, Profile } from './contacts/contact.ts';
import type { RelationFact } from './contacts/follows.ts';
import type { OptOutFact, OptOutState } from './contacts/opt-out-state.ts';
import type { Engagement } from './engagement/engagement.ts';
import type { TierOverride } from './tiers/assess-tier.ts';
import type { Lifecycle } from './tiers/lifecycle.ts';
import type { Tier } from './tiers/policy.ts';
import type { Quadrant, ValueGrade, ValueResult } from './value/value-score.ts';

/** The tier a contact has now, as stored. */
export interface StoredTier {
  tier: Tier;
  source: 'rules' | 'override';
  reasons: string[];
  /** When the contact entered this tier. */
  since: number;
  /** When time alone can next change it (the due index); null = only a new fact can. */
  nextReviewAt: number | null;
  lifecycle: Lifecycle;
}

/** One entry of a contact's tier history. */
export interface TierChange {
  externalUserId: string;
  from: Tier | null;
  to: Tier;
  at: number;
  source: 'rules' | 'override';
  reasons: string[];
}

/**
 * Running totals over a contact's orders, each orderId counted once: the inputs of the
 * value score (value-score.ts ValueInput; average days late = daysLate / paid).
 */
export interface OrderTotals {
  count: number;
  /** Yuan; summed in fen, so any arrival order gives the same total. */
  amount: number;
  /** Yuan: the order's profit, else amount − cost, else 0. */
  profit: number;
  /** Orders with a payment time, and the days they were paid late in total. */
  paid: number;
  daysLate: number;
}

/**
 * Contacts per value grade and quadrant, as of one value scoring run. Contacts without
 * orders count as low (their value by definition) and have no quadrant.
 */
export interface ValueSummary {
  /** When the run finished (ms). */
  at: number;
  contacts: number;
  buyers: number;
  grades: Record<ValueGrade, number>;
  quadrants: Record<Quadrant, number>;
}

export interface ContactRecord {
  contact: Contact;
  engagement: Engagement;
  orders: OrderTotals;
  tier: StoredTier | null;
  override: TierOverride | null;
  /**
   * As the value job stored it. Null for a contact without orders (never stored: its value
   * is NON_BUYER_VALUE, see effectiveValue) and for a buyer not scored yet.
   */
  value: Omit<ValueResult, 'externalUserId'> | null;
  /**
   * Set when the customer asked for no more automated messages (退订, 不要再发 …); cleared
   * when their rep reverses it. Absent on records stored before opt-outs existed.
   */
  optOut?: OptOut | null;
  /**
   * Set when the rep (or an admin) reversed an opt-out and no later one came since: it keeps
   * when, so an older 退订 read again (a kf re-sync, a replay) does not opt them out again
   * (domain/contacts/opt-out-state.ts: the latest word wins). At most one of the two is set.
   */
  optOutReversal?: OptOutReversal | null;
}

/** A customer's request for no more automated messages. */
export interface OptOut {
  /** When they asked (the message's time, ms): a later reversal by the rep wins, an earlier one does not. */
  at: number;
  /** What they wrote that matched (the keyword, not the whole message). */
  keyword: string;
  /** The interaction or message id it came from. */
  source: string;
}

/** The rep's (or an admin's) word that a customer gets automated messages again. */
export interface OptOutReversal {
  at: number;
  /** Who reversed it: the API client's name. */
  by: string;
}

export interface ContactPage {
  records: ContactRecord[];
  /** Opaque; null when there are no more. */
  nextCursor: string | null;
}

/** What the archive answers: records, orders, pages, history and counts (API reads, planning runs). */
export interface ContactReads {
  get(externalUserId: string): Promise<ContactRecord | null>;
  /** The order kept under this orderId (null: none, or recorded before orders were kept). */
  getOrder(externalUserId: string, orderId: string): Promise<Order | null>;
  /** The counts of the last value scoring run; null before the first. */
  valueSummary(): Promise<ValueSummary | null>;
  /** Contacts whose nextReviewAt ≤ now, oldest first. */
  due(now: number, limit: number): Promise<string[]>;
  list(filter: { tier?: Tier; rep?: string; cursor?: string | null; limit: number }): Promise<ContactPage>;
  history(externalUserId: string, limit: number): Promise<TierChange[]>;
  tierCounts(rep?: string): Promise<Record<Tier, number>>;
  /** Whether a member has at least one customer (an active relation), tiered or not. */
  hasCustomers(userId: string): Promise<boolean>;
}

/**
 * What changes the archive. Every write is idempotent (replays and WeCom retries are
 * normal) and atomic per contact.
 */
export interface ContactCommits {
  /** Creates or replaces identity and follow relations; keeps profile, facts and tier. */
  upsertContact(contact: Contact): Promise<void>;
  /**
   * Like upsertContact, but `contact.follows` is merged into the stored relations by rep
   * (mergeListedFollows): relations it does not name are kept. For listings that name one
   * (customer, rep) pair at a time (batch/get_by_user). Returns the relations before
   * (empty for a new contact) and the contact as stored.
   */
  mergeContact(contact: Contact): Promise<{ before: FollowRelation[]; contact: Contact }>;
  /** Applies relation facts atomically (applyRelationFact: latest event time wins); null if the contact is unknown. */
  applyRelationFacts(externalUserId: string, facts: readonly RelationFact[]): Promise<Contact | null>;
  /** Merges profile fields; false if the contact is unknown. */
  patchProfile(externalUserId: string, profile: Partial<Profile>, at: number): Promise<boolean>;
  /**
   * Idempotent by orderId; folds a paid order into the engagement summary and keeps the
   * order. duplicate: that orderId is kept with the same fields (canonicalOrder);
   * conflict: it is kept with other fields. Neither writes anything.
   */
  addOrder(order: Order): Promise<'added' | 'duplicate' | 'conflict' | 'unknown_contact'>;
  /**
   * Idempotent by id; folds it into the engagement summary (intent keywords as given).
   * duplicate / conflict as for addOrder (canonicalInteraction), for the ids the store
   * still remembers exactly (the most recent ones); nothing is written for either.
   * `optOut` (detectOptOut of this interaction) is applied in the same atomic write, so a
   * replay or a crash between the two cannot leave one without the other.
   */
  addInteraction(interaction: Interaction, intentKeywords: readonly string[], optOut?: OptOut | null): Promise<'added' | 'duplicate' | 'conflict' | 'unknown_contact'>;
  /**
   * Records an opt-out or its reversal (applyOptOutFact: a fact older than the latest one
   * held changes nothing). Returns the state now held; null if the contact is unknown.
   */
  applyOptOutFact(externalUserId: string, fact: OptOutFact): Promise<OptOutState | null>;
  /** Marks the customer as having removed every rep, or not. */
  setCustomerLeft(externalUserId: string, left: boolean): Promise<void>;
  setOverride(externalUserId: string, override: TierOverride | null): Promise<boolean>;
  /** Stores the new tier, indexes it (by tier, by rep, due time) and appends `change` to history. */
  saveTier(externalUserId: string, tier: StoredTier, change: TierChange | null): Promise<void>;
  saveValues(values: ValueResult[]): Promise<void>;
}

/**
 * The archive, as the domain sees it: its reads and its commits (the tier and value batch
 * jobs have ports of their own, domain/tiers/ports.ts and the value job's). Implemented
 * over Redis in adapters/redis; its indexes follow domain/contacts/reach-anchor.ts.
 */
export type ContactStore = ContactReads & ContactCommits;

/**
 * WeCom's view of one customer and its relations (externalcontact/get), as a Contact:
 * relations `active`, profile empty. null when WeCom no longer has a relation with this
 * customer (84061) or does not know the id (40096).
 */
export interface ContactDirectory {
  getContact(externalUserId: string): Promise<Contact | null>;
}

/** Which tier a relation's corp tags name (the tier tag group); null when none does. */
export interface TierTagCatalog {
  tierOfTagIds(tagIds: readonly string[]): Promise<Tier | null>;
}

/**
 * Told about customers whose message opted them out, once it is stored (e.g. to tell their
 * reps). May hear of one twice (a retried page); the opt-out is the one the record holds.
 */
export type OptOutsListener = (optOuts: readonly { externalUserId: string; optOut: OptOut }[]) => Promise<void>;

/** Told about stored tier changes, e.g. to mirror them as WeCom corp tags. */
export type TierChangesListener = (changes: readonly TierChange[]) => Promise<void>;
