import type { YearlyDate } from '../../calendar/lunar.ts';
import type { ContactRecord } from '../../ports.ts';

/**
 * The candidate indexes the greeting planners read, so a birthday or an after-sale step
 * never scans every contact. The contact store keeps both atomically with the records; each
 * lists candidates only: the planner decides from the record (and order) itself.
 */

/** Contacts by the birthday their profile states (calendar, month, day). */
export interface BirthdayIndex {
  /** Files contacts stored before the index existed (once; writes index entries only). */
  backfillOnce(): Promise<number>;
  /** The contacts filed under any of `dates`, in a stable order, a page after `cursor` (opaque; null when done). */
  candidates(dates: readonly YearlyDate[], cursor: string | null, limit: number): Promise<{ ids: string[]; nextCursor: string | null }>;
}

/** One kept order with a payment time, as the paid-orders index lists it. */
export interface PaidOrderRef {
  externalUserId: string;
  orderId: string;
  paidAt: number;
}

/** Orders by payment time. */
export interface PaidOrderIndex {
  /** Files orders kept before the index existed (once; writes index entries only). */
  backfillOnce(): Promise<number>;
  /** Orders paid in [from, to), oldest first, `limit` from `offset`. */
  paidBetween(from: number, to: number, offset: number, limit: number): Promise<PaidOrderRef[]>;
}

/** Many records at once (one round trip); unknown ids are left out. */
export interface RecordsById {
  getMany(externalUserIds: string[]): Promise<ContactRecord[]>;
}
