import type { Birthday } from '../../../domain/contacts/contact.ts';
import type { YearlyDate } from '../../../domain/calendar/lunar.ts';
import type { RedisKeys } from '../keys.ts';
import type { IndexOp } from './indexes.ts';

/**
 * The birthday index's part of a contact commit: a contact is filed under the month-day
 * its profile states (keys.birthdayIndex), in at most one set; the year of birth is not
 * part of it. Profiles change only in whole-record writes (never in hot-half tier
 * batches), so the store's `mutate` is the one place these run.
 */

const pad = (n: number) => String(n).padStart(2, '0');

/** The set a stated birthday is filed under. */
export function birthdayIndexKey(keys: RedisKeys, date: YearlyDate): string {
  return keys.birthdayIndex(date.calendar === 'solar' ? 's' : 'l', `${pad(date.month)}${pad(date.day)}`);
}

/**
 * The writes that file a contact under `after`'s set and take it out of `before`'s. The
 * contact is (re)added even when the month-day did not change: a no-op for Redis, and any
 * write files a contact the index missed.
 */
export function birthdayIndexChanges(keys: RedisKeys, id: string, before: Birthday | undefined, after: Birthday | undefined): IndexOp[] {
  const from = before ? birthdayIndexKey(keys, before) : null;
  const to = after ? birthdayIndexKey(keys, after) : null;
  const ops: IndexOp[] = [];
  if (from !== null && from !== to) ops.push({ op: 'Z-', key: from, member: id });
  if (to !== null) ops.push({ op: 'Z+', key: to, score: 0, member: id });
  return ops;
}
