import type { Contact, Interaction, Order, Profile } from '../../../domain/contacts/contact.ts';
import { canonicalInteraction } from '../../../domain/contacts/fact-identity.ts';
import { emptyEngagement, withInteraction, withOrder } from '../../../domain/engagement/engagement.ts';
import { FINGERPRINT_LENGTH, fingerprint, orderTotals, type Entry } from './codec.ts';

/**
 * Pure steps from one stored entry to the next. The store runs them inside a
 * read / compute / compare-and-set loop, so each is applied atomically per contact.
 */

/** Interaction ids remembered per contact for exact 'duplicate' answers. */
export const SEEN_INTERACTIONS = 16;

/** When the first still-active relation was added (the engagement's addedAt). */
function firstActiveAdd(contact: Contact): number | null {
  const times = contact.follows.filter((f) => f.status === 'active').map((f) => f.addedAt);
  return times.length === 0 ? null : Math.min(...times);
}

/** Identity and relations from `contact`; profile, createdAt, facts and tier kept. */
export function withContact(before: Entry | null, contact: Contact): Entry {
  const previous = before?.record;
  const merged: Contact = previous
    ? { ...contact, profile: previous.contact.profile, createdAt: previous.contact.createdAt, updatedAt: Math.max(previous.contact.updatedAt, contact.updatedAt) }
    : contact;
  const totals = before?.totals ?? { count: 0, amountFen: 0, profitFen: 0, paid: 0, daysLate: 0 };
  const engagement = { ...(previous?.engagement ?? emptyEngagement()), addedAt: firstActiveAdd(merged) };
  return {
    record: {
      contact: merged, engagement, orders: orderTotals(totals),
      tier: previous?.tier ?? null, override: previous?.override ?? null, value: previous?.value ?? null,
    },
    seen: before?.seen ?? '',
    seenFacts: before?.seenFacts ?? '',
    totals,
  };
}

/** Merges the given profile fields (undefined ones are left alone). */
export function withProfile(before: Entry, patch: Partial<Profile>, at: number): Entry {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Profile>;
  const contact = before.record.contact;
  return {
    ...before,
    record: { ...before.record, contact: { ...contact, profile: { ...contact.profile, ...defined }, updatedAt: Math.max(contact.updatedAt, at) } },
  };
}

/**
 * The fingerprint of the kept fields of the remembered interaction with this id: null when
 * the id is not remembered, undefined when it was remembered before fields were kept.
 * `seenFacts` is aligned with the end of `seen` (it may be shorter, never longer).
 */
export function seenFact(entry: Entry, interactionId: string): string | null | undefined {
  const fp = fingerprint(interactionId);
  const offset = entry.seen.length - entry.seenFacts.length;
  for (let i = 0; i < entry.seen.length; i += FINGERPRINT_LENGTH) {
    if (!entry.seen.startsWith(fp, i)) continue;
    return i < offset ? undefined : entry.seenFacts.slice(i - offset, i - offset + FINGERPRINT_LENGTH);
  }
  return null;
}

/**
 * Folds an interaction in and remembers its id with its kept fields (canonicalInteraction);
 * the oldest remembered id drops out.
 */
export function withInteractionFact(before: Entry, interaction: Interaction, intentKeywords: readonly string[]): Entry {
  const keep = SEEN_INTERACTIONS * FINGERPRINT_LENGTH;
  const seen = (before.seen + fingerprint(interaction.id)).slice(-keep);
  const seenFacts = (before.seenFacts + fingerprint(canonicalInteraction(interaction, intentKeywords))).slice(-keep);
  // The summary keeps message ids to count by id: the fingerprint is enough, and short.
  const engagement = withInteraction(before.record.engagement, { ...interaction, id: fingerprint(interaction.id) }, intentKeywords);
  return { ...before, seen, seenFacts, record: { ...before.record, engagement } };
}

/** Folds an order in (the caller guarantees each orderId once) and adds it to the totals. */
export function withOrderFact(before: Entry, order: Order): Entry {
  const t = before.totals;
  const paid = order.paidAt !== undefined;
  const profit = order.profit ?? (order.cost === undefined ? 0 : order.amount - order.cost);
  const totals = {
    count: t.count + 1,
    amountFen: t.amountFen + Math.round(order.amount * 100),
    profitFen: t.profitFen + Math.round(profit * 100),
    paid: t.paid + (paid ? 1 : 0),
    daysLate: t.daysLate + (paid ? Math.max(0, order.daysLate ?? 0) : 0),
  };
  const engagement = withOrder(before.record.engagement, order);
  return { ...before, totals, record: { ...before.record, engagement, orders: orderTotals(totals) } };
}
