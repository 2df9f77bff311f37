import type { Interaction, Order } from '../contacts/contact.ts';

/**
 * The compact, order-independent summary a tier is computed from. Each list keeps the
 * most recent entries *by time* (not by arrival), so the same facts in any order, or
 * twice, give the same summary.
 */
export interface Engagement {
  /** When the first active relation was added. */
  addedAt: number | null;
  /** Customer → us messages (ms), ascending, the most recent `caps.inbound`. */
  inbound: number[];
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
  return { addedAt: null, inbound: [], pushes: [], intents: [], paidOrders: [], customerLeft: false };
}

/** Keeps the `cap` latest distinct values, ascending. */
function keepLatest(values: number[], cap: number): number[] {
  return [...new Set(values)].sort((a, b) => a - b).slice(-cap);
}

/** The first intent keyword the text contains, if any (case-insensitive). */
export function findIntentKeyword(text: string | undefined, keywords: readonly string[]): string | undefined {
  if (!text) return undefined;
  const lower = text.toLowerCase();
  return keywords.find((k) => lower.includes(k.toLowerCase()));
}

/** Folds an interaction into the summary. Pure; replays give the same result. */
export function withInteraction(e: Engagement, i: Interaction, intentKeywords: readonly string[]): Engagement {
  if (i.direction === 'outbound') {
    return { ...e, pushes: keepLatest([...e.pushes, i.at], ENGAGEMENT_CAPS.pushes) };
  }
  const keyword = findIntentKeyword(i.text, intentKeywords);
  const intents = keyword
    ? dedupeIntents([...e.intents, { at: i.at, keyword }]).slice(-ENGAGEMENT_CAPS.intents)
    : e.intents;
  return { ...e, inbound: keepLatest([...e.inbound, i.at], ENGAGEMENT_CAPS.inbound), intents };
}

function dedupeIntents(list: { at: number; keyword: string }[]): { at: number; keyword: string }[] {
  const byKey = new Map(list.map((x) => [`${x.at}|${x.keyword}`, x]));
  return [...byKey.values()].sort((a, b) => a.at - b.at || a.keyword.localeCompare(b.keyword));
}

/** Folds a paid order into the summary (unpaid orders do not make a deal). */
export function withOrder(e: Engagement, o: Order): Engagement {
  if (o.paidAt === undefined) return e;
  return { ...e, paidOrders: keepLatest([...e.paidOrders, o.paidAt], ENGAGEMENT_CAPS.orders) };
}
