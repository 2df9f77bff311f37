import type { Contact } from '../../../domain/contacts/contact.ts';
import { contactGrams } from '../../../domain/contacts/name-search.ts';
import type { RedisKeys } from '../keys.ts';
import type { IndexOp } from './indexes.ts';

/**
 * The name index's part of a contact commit: a contact is filed under every gram of its
 * WeCom name and remarks (keys.nameIndex) and taken out of the grams it no longer has.
 * Names and remarks change only in whole-record writes (never in hot-half tier batches),
 * so the store's `mutate` is the one place these run.
 */
export function nameIndexChanges(
  keys: RedisKeys,
  id: string,
  before: Pick<Contact, 'name' | 'follows'> | undefined,
  after: Pick<Contact, 'name' | 'follows'>,
): IndexOp[] {
  const from = before ? contactGrams(before) : [];
  const to = contactGrams(after);
  const ops: IndexOp[] = [];
  for (const gram of from) if (!to.includes(gram)) ops.push({ op: 'Z-', key: keys.nameIndex(gram), member: id });
  for (const gram of to) if (!from.includes(gram)) ops.push({ op: 'Z+', key: keys.nameIndex(gram), score: 0, member: id });
  return ops;
}
