import type { Interaction, Order } from '../contacts/contact.ts';

/**
 * The compact, order-independent summary a tier is computed from. Each list keeps the
 * most recent entries *by time* (not by arrival), so the same facts in any order, or
 * twice, give the same summary.
 */
export interface Engagement {
  /** When the first active relation was added. */
  addedAt: number | null;
  /** Customer → us messages (ms), ascending, the most recent `caps.inbound`: one per message, so times repeat. */
  inbound: number[];
  /**
   * The ids of those messages, in the same order: messages are counted by id, not by time
   * (three messages in one second are three). The store keeps short fingerprints of ids.
   */
  inboundIds: string[];
  /** Our pushes to the customer (ms), ascending, the most recent `caps.pushes`. */
  pushes: number[];
  /** Buying-intent keyword hits, ascending by time, the most recent `caps.intents`. */
  intents: { at: number; keyword: string }[];
  /** Paid orders (ms of payment), ascending, the most recent `caps.orders`. */
  paidOrders: number[];
  /** Whether the customer removed every rep (del_follow_user on all relations). */
  customerLeft: boolean;
}

export const ENGAGEMENT_CAPS = { inbound: 16, pushes: 8, intents: 4, orders: 16 } as const;

export function emptyEngagement(): Engagement {
  return { addedAt: null, inbound: [], inboundIds: [], pushes: [], intents: [], paidOrders: [], customerLeft: false };
}

/** Keeps the `cap` latest distinct values, ascending. */
function keepLatest(values: number[], cap: number): number[] {
  return [...new Set(values)].sort((a, b) => a - b).slice(-cap);
}

/**
 * Adds one message to the kept ones: once per id, then the `cap` latest by time (ties by
 * id, so the result does not depend on arrival order). A message that fell off the list
 * and is replayed is older than every kept one, so it falls off again.
 */
function keepLatestMessages(e: Engagement, at: number, id: string, cap: number): Pick<Engagement, 'inbound' | 'inboundIds'> {
  if (e.inboundIds.includes(id)) return { inbound: e.inbound, inboundIds: e.inboundIds };
  const kept = [...e.inbound.map((t, i) => ({ at: t, id: e.inboundIds[i]! })), { at, id }]
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(-cap);
  return { inbound: kept.map((m) => m.at), inboundIds: kept.map((m) => m.id) };
}

/** The first intent keyword the text contains, if any (case-insensitive). */
export function findIntentKeyword(text: string | undefined, keywords: readonly string[]): string | undefined {
  if (!text) return undefined;
  const lower = text.toLowerCase();
  return keywords.find((k) => lower.includes(k.toLowerCase()));
}

/** Folds an interaction into the summary. Pure; replays (same id) give the same result. */
export function withInteraction(e: Engagement, i: Interaction, intentKeywords: readonly string[]): Engagement {
  // A festival or birthday greeting is not a follow-up: the follow-up it displaced that day
  // still goes out the next (issue 8: the lower kind waits, it is not lost), and a polite
  // "谢谢，中秋快乐" back is not a reply to a push (B). Recorded (its id is seen), counted nowhere.
  if (i.channel === 'greeting') return e;
  if (i.direction === 'outbound') {
    return { ...e, pushes: keepLatest([...e.pushes, i.at], ENGAGEMENT_CAPS.pushes) };
  }
  const keyword = findIntentKeyword(i.text, intentKeywords);
  const intents = keyword
    ? dedupeIntents([...e.intents, { at: i.at, keyword }]).slice(-ENGAGEMENT_CAPS.intents)
    : e.intents;
  return { ...e, ...keepLatestMessages(e, i.at, i.id, ENGAGEMENT_CAPS.inbound), intents };
}

function dedupeIntents(list: { at: number; keyword: string }[]): { at: number; keyword: string }[] {
  const byKey = new Map(list.map((x) => [`${x.at}|${x.keyword}`, x]));
  return [...byKey.values()].sort((a, b) => a.at - b.at || a.keyword.localeCompare(b.keyword));
}

/**
 * Folds a paid order into the summary (unpaid orders do not make a deal). The caller folds
 * each order id once (the store guards order ids exactly), so two orders paid in the same
 * millisecond are two paid orders: times are not deduplicated here.
 */
export function withOrder(e: Engagement, o: Order): Engagement {
  if (o.paidAt === undefined) return e;
  return { ...e, paidOrders: [...e.paidOrders, o.paidAt].sort((a, b) => a - b).slice(-ENGAGEMENT_CAPS.orders) };
}
