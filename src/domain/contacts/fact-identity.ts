import { findIntentKeyword } from '../engagement/engagement.ts';
import type { Interaction, Order } from './contact.ts';

/**
 * When a replayed fact (same id) is "the same": equal in every field Fenji keeps, compared
 * in a canonical form, never as raw JSON text (key order, ISO vs epoch ms and 12.3 vs
 * 12.30 do not matter). A replay that differs is a conflict, never silently dropped.
 */

/** Money as Fenji keeps it: to the fen. */
const fen = (yuan: number | undefined): number | null => (yuan === undefined ? null : Math.round(yuan * 100));

/** An order's kept fields in a fixed order, money in fen: equal strings, same order. */
export function canonicalOrder(o: Order): string {
  return JSON.stringify([
    o.orderId, o.externalUserId, fen(o.amount), fen(o.cost), fen(o.profit), o.paidAt ?? null, o.dueAt ?? null,
    o.daysLate ?? null, o.product ?? null, o.region ?? null,
  ]);
}

/** The order with money rounded to the fen, as stored and echoed. */
export function keptOrder(o: Order): Order {
  const round = (yuan: number) => Math.round(yuan * 100) / 100;
  return {
    ...o,
    amount: round(o.amount),
    ...(o.cost !== undefined ? { cost: round(o.cost) } : {}),
    ...(o.profit !== undefined ? { profit: round(o.profit) } : {}),
  };
}

/**
 * What an interaction leaves in the archive: its direction, channel, time, rep, the
 * buying-intent keyword its text holds and the opt-out word, if it is one (the text itself
 * is never kept, so a new wording with the same keywords is the same interaction). The
 * opt-out word is left out when there is none, so interactions recorded before opt-outs
 * existed keep their identity.
 */
export function canonicalInteraction(i: Interaction, intentKeywords: readonly string[], optOutKeyword?: string | null): string {
  const keyword = i.direction === 'inbound' ? findIntentKeyword(i.text, intentKeywords) : undefined;
  return JSON.stringify([i.id, i.externalUserId, i.direction, i.channel, i.at, i.userId ?? null, keyword ?? null, ...(optOutKeyword ? [optOutKeyword] : [])]);
}
