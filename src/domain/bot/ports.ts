import type { ContactReads } from '../ports.ts';
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
