import type { Contact, Interaction, Order, Profile } from '../../../domain/contacts/contact.ts';
import { canonicalInteraction } from '../../../domain/contacts/fact-identity.ts';
import { applyOptOutFact } from '../../../domain/contacts/opt-out-state.ts';
import type { OptOut } from '../../../domain/ports.ts';
import { emptyEngagement, withInteraction, withOrder } from '../../../domain/engagement/engagement.ts';
import { FINGERPRINT_LENGTH, fingerprint, orderTotals, UNKNOWN_FACT, type Entry } from './codec.ts';

/**
 * Pure steps from one stored entry to the next. The store runs them inside a
 * read / compute / compare-and-set loop, so each is applied atomically per contact.
 */

/**
 * Interaction ids remembered per contact for exact 'duplicate' answers, besides those of
 * the inbound messages the summary keeps (ENGAGEMENT_CAPS.inbound).
 */
export const SEEN_INTERACTIONS = 16;

/** When the first still-active relation was added (the engagement's addedAt). */
function firstActiveAdd(contact: Contact): number | null {
  const times = contact.follows.filter((f) => f.status === 'active').map((f) => f.addedAt);
  return times.length === 0 ? null : Math.min(...times);
}

/** Identity and relations from `contact`; profile, createdAt, facts, tier and opt-out kept. */
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
      ...(previous?.optOut ? { optOut: previous.optOut } : {}),
      ...(previous?.optOutReversal ? { optOutReversal: previous.optOutReversal } : {}),
    },
    inboundFacts: before?.inboundFacts ?? '',
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
 * Remembered: the inbound messages the summary keeps, and the last SEEN_INTERACTIONS of
 * the others; so at least the last SEEN_INTERACTIONS to arrive, each folded once.
 */
export function seenFact(entry: Entry, interactionId: string): string | null | undefined {
  const fp = fingerprint(interactionId);
  // `seen` first: in records written before inboundFacts it also holds kept messages, with facts.
  const seen = factIn(entry.seen, entry.seenFacts, fp);
  if (seen !== null) return seen;
  const kept = entry.record.engagement.inboundIds.indexOf(fp);
  return kept < 0 ? null : known(entry.inboundFacts.slice(kept * FINGERPRINT_LENGTH, (kept + 1) * FINGERPRINT_LENGTH));
}

/** `facts` is aligned with the end of `ids` (it may be shorter, never longer). */
function factIn(ids: string, facts: string, fp: string): string | null | undefined {
  const offset = ids.length - facts.length;
  for (let i = 0; i < ids.length; i += FINGERPRINT_LENGTH) {
    if (ids.startsWith(fp, i)) return i < offset ? undefined : known(facts.slice(i - offset, i - offset + FINGERPRINT_LENGTH));
  }
  return null;
}

const known = (fact: string): string | undefined => (fact.length === FINGERPRINT_LENGTH && fact !== UNKNOWN_FACT ? fact : undefined);

/**
 * Folds an interaction in and remembers its id with its kept fields (canonicalInteraction):
 * beside the summary's id when the summary keeps it (an inbound message), else in `seen`,
 * as is the inbound message that falls off the summary's list; the oldest of `seen` drops out.
 * The opt-out it carries (detectOptOut), if any, is applied as a fact (the latest word wins).
 */
export function withInteractionFact(before: Entry, interaction: Interaction, intentKeywords: readonly string[], optOut: OptOut | null = null): Entry {
  const id = fingerprint(interaction.id);
  const was = before.record.engagement;
  // The summary keeps message ids to count by id: the fingerprint is enough, and short.
  const engagement = withInteraction(was, { ...interaction, id }, intentKeywords);
  const factOf = new Map(was.inboundIds.map((k, i) => [k, before.inboundFacts.slice(i * FINGERPRINT_LENGTH, (i + 1) * FINGERPRINT_LENGTH)]));
  if (!factOf.has(id)) factOf.set(id, fingerprint(canonicalInteraction(interaction, intentKeywords, optOut?.keyword)));
  const kept = new Set(engagement.inboundIds);
  let { seen, seenFacts } = before;
  for (const [k, fact] of factOf) {
    if (kept.has(k) || factIn(seen, seenFacts, k) !== null) continue;
    seen += k;
    seenFacts += fact || UNKNOWN_FACT;
  }
  const keep = SEEN_INTERACTIONS * FINGERPRINT_LENGTH;
  return {
    ...before,
    inboundFacts: engagement.inboundIds.map((k) => factOf.get(k)!).join(''),
    seen: seen.slice(-keep),
    seenFacts: seenFacts.slice(-keep),
    record: optOut ? applyOptOutFact({ ...before.record, engagement }, { kind: 'opt_out', optOut }) : { ...before.record, engagement },
  };
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
