import type { Interaction } from '../contacts/contact.ts';
import type { ContactReads, ContactRecord } from '../ports.ts';
import type { TierOverride } from '../tiers/assess-tier.ts';
import type { Tier } from '../tiers/policy.ts';
import type { CommandId } from './command-words.ts';

/** A numbered list the member was shown and may answer with a bare number. */
export interface PendingChoice {
  command: CommandId;
  /** In the order shown: option n is options[n - 1]. `value` is what the command gets back (an id). */
  options: { label: string; value: string }[];
}

/**
 * The member's last numbered choice, kept briefly (the adapter's TTL): a number sent
 * minutes later answers nothing. One per member; a newer list replaces it.
 */
export interface PendingChoices {
  put(userId: string, choice: PendingChoice): Promise<void>;
  get(userId: string): Promise<PendingChoice | null>;
}

/**
 * Commands per member per minute. `position` is where this message falls among the
 * member's messages of the minute before it (1 = the only one). Idempotent per message:
 * a retried job gets the same position, so it never counts twice.
 */
export interface CommandRate {
  position(userId: string, messageId: string, at: number): Promise<number>;
}

/** What the bot's commands read; the scope decides the rep argument (roles.ts). */
export type BotReads = Pick<ContactReads, 'tierCounts' | 'hasCustomers'> & Partial<Pick<ContactReads, 'valueSummary'>>;

/**
 * The customers the bot's commands read, by what a member types. `rep` confines a read to
 * that rep's customers (an active relation); undefined reads the whole corp. Commands pass
 * it from their Scope, never from a userid of their own, and check each record again.
 */
export interface CustomerFinder {
  /** Contacts filed under every gram (name-search.ts), at most `limit`, in a stable order. Candidates only: the caller confirms the match. */
  findByGrams(grams: readonly string[], rep: string | undefined, limit: number): Promise<ContactRecord[]>;
  get(externalUserId: string): Promise<ContactRecord | null>;
  /**
   * A tier's customers, the one waiting longest for a follow-up first (follow-up anchor
   * ascending; within a tier the cadence is one, so this is due date order), those who get
   * none (left, no active relation) last; `total`: everyone in the tier.
   */
  byUrgency(tier: Tier, rep: string | undefined, limit: number): Promise<{ records: ContactRecord[]; total: number }>;
  /** Every customer of one rep (an active relation), any order. */
  ofRep(rep: string): Promise<ContactRecord[]>;
  /** How many of a tier's contacts have a follow-up anchor before `cutoff` (the follow-up due index). */
  countAnchoredBefore(tier: Tier, cutoff: number): Promise<number>;
}

/** What the bot's writing commands change; both idempotent (a replayed message changes nothing more). */
export interface BotWrites {
  /** Records an interaction (idempotent by its id) and re-evaluates the tier. */
  recordContact(interaction: Interaction): Promise<'added' | 'duplicate' | 'conflict' | 'unknown_contact'>;
  /** Sets (or, null, removes) a manual tier and re-evaluates; the record as now stored, null if unknown. */
  setOverride(externalUserId: string, override: TierOverride | null): Promise<ContactRecord | null>;
}
