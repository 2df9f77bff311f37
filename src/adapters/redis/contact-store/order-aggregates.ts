import type { Order } from '../../../domain/contacts/contact.ts';
import type { RedisKeys } from '../keys.ts';
import type { IndexOp } from './indexes.ts';

/** The label of an order without a product or region: kept, so totals add up to the whole business. */
export const UNKNOWN_LABEL = '未填';

/** Yuan to whole fen (HINCRBY takes integers; fen add up exactly in any order). */
export function toFen(yuan: number): number {
  return Math.round(yuan * 100);
}

/**
 * What a newly kept order adds to the order aggregates (keys.orderTotals, keys.buyerRevenue):
 * one order and its amount under its product and its region (the order's, else the
 * customer's profile region), and the buyer's new total. Applied in the order's guarded
 * commit, so a replayed order adds nothing; the buyer total is absolute, not an increment.
 */
export function orderAggregateOps(keys: RedisKeys, order: Order, profileRegion: string | undefined, buyerTotalYuan: number): IndexOp[] {
  const key = keys.orderTotals();
  const product = order.product?.trim() || UNKNOWN_LABEL;
  const region = order.region?.trim() || profileRegion?.trim() || UNKNOWN_LABEL;
  const fen = toFen(order.amount);
  const add = (field: string, by: number): IndexOp => ({ op: 'I', key, field, by, ttlSeconds: 0 });
  return [
    add(`p|${product}|n`, 1),
    add(`p|${product}|fen`, fen),
    add(`r|${region}|n`, 1),
    add(`r|${region}|fen`, fen),
    { op: 'Z+', key: keys.buyerRevenue(), score: toFen(buyerTotalYuan), member: order.externalUserId },
  ];
}
