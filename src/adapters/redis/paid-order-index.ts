import type { Redis } from 'ioredis';
import type { Order } from '../../domain/contacts/contact.ts';
import type { PaidOrderIndex, PaidOrderRef } from '../../domain/outreach/planners/ports.ts';
import { RedisTierBatches } from './contact-store/tier-batches.ts';
import type { IndexOp } from './contact-store/indexes.ts';
import type { RedisKeys } from './keys.ts';

/** Bumped when the index's meaning changes, so every deployment backfills once more. */
const INDEX_VERSION = '1';
const BACKFILL_BATCH = 500;

/** The index entry of a kept order: `[externalUserId, orderId]` as JSON (ids may hold any character). */
function member(externalUserId: string, orderId: string): string {
  return JSON.stringify([externalUserId, orderId]);
}

/** addOrder's write of the entry, in the same commit that keeps the order. */
export function paidOrderOp(keys: RedisKeys, externalUserId: string, orderId: string, paidAt: number): IndexOp {
  return { op: 'Z+', key: keys.paidOrders(), score: paidAt, member: member(externalUserId, orderId) };
}

/**
 * Orders by payment time (keys.paidOrders), for the after-sale planner. An order is kept
 * once and never changes (a replay with other fields is a conflict that writes nothing),
 * so an entry, once written, is right forever: no compare-and-set is needed to add one.
 */
export class RedisPaidOrderIndex implements PaidOrderIndex {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
  }

  async paidBetween(from: number, to: number, offset: number, limit: number): Promise<PaidOrderRef[]> {
    const flat = await this.redis.zrangebyscore(this.keys.paidOrders(), from, `(${to}`, 'WITHSCORES', 'LIMIT', offset, limit);
    const refs: PaidOrderRef[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [externalUserId, orderId] = JSON.parse(flat[i]!) as [string, string];
      refs.push({ externalUserId, orderId, paidAt: Number(flat[i + 1]) });
    }
    return refs;
  }

  /**
   * Files the orders kept before this index existed, once per INDEX_VERSION: every contact's
   * kept orders (keys.contactOrderDocs) with a payment time. Idempotent; returns the orders
   * filed (counting ones already there).
   */
  async backfillOnce(): Promise<number> {
    if ((await this.redis.get(this.keys.paidOrdersVersion())) === INDEX_VERSION) return 0;
    const batches = new RedisTierBatches({ redis: this.redis, keys: this.keys });
    let filed = 0;
    let cursor: string | null = null;
    do {
      const page = await batches.scanIds(cursor, BACKFILL_BATCH);
      const reads = this.redis.pipeline();
      for (const id of page.ids) reads.hvals(this.keys.contactOrderDocs(id));
      const replies = (await reads.exec()) ?? [];
      const writes = this.redis.pipeline();
      for (const [err, docs] of replies) {
        if (err) throw err;
        for (const doc of docs as string[]) {
          const order = JSON.parse(doc) as Order;
          if (order.paidAt === undefined) continue;
          writes.zadd(this.keys.paidOrders(), order.paidAt, member(order.externalUserId, order.orderId));
          filed++;
        }
      }
      for (const [err] of writes.length > 0 ? ((await writes.exec()) ?? []) : []) if (err) throw err;
      cursor = page.nextCursor;
    } while (cursor !== null);
    await this.redis.set(this.keys.paidOrdersVersion(), INDEX_VERSION);
    return filed;
  }
}
