import type { Redis } from 'ioredis';
import { encodeEntry } from '../../src/adapters/redis/contact-store/codec.ts';
import { runCommits, type Commit } from '../../src/adapters/redis/contact-store/commit.ts';
import { withContact, withInteractionFact, withOrderFact } from '../../src/adapters/redis/contact-store/entries.ts';
import { historyOp, indexChanges, indexedState, moveOps, type IndexOp } from '../../src/adapters/redis/contact-store/indexes.ts';
import { orderAggregateOps } from '../../src/adapters/redis/contact-store/order-aggregates.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import type { Order } from '../../src/domain/contacts/contact.ts';
import { decideTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import type { TierPolicy } from '../../src/domain/tiers/policy.ts';
import { rng, syntheticContact, type SeedShape } from './tiers-seed.ts';

/**
 * The bot bench's archive: the tiers bench's synthetic contacts (names, remarks, facts,
 * orders; tiers-seed.ts) over `reps` sales reps `rep0000`…, written as the store's commits
 * write them (record, tier indexes with their counts and hourly deltas, history, the tier
 * move of the first tiering, order aggregates), pipelined. Each contact is committed at
 * an hour spread over the week before `now` (process time, as the aggregates' buckets),
 * so 报表 and 分级's weekly change read a week of hourly buckets, as in production.
 * The name index is left to the finder's one-time backfill (the path an upgrade takes).
 */
export interface BotSeedShape extends SeedShape {
  reps: number;
  /** Process time the week of commits ends at (ms). */
  now: number;
}

const PRODUCTS = ['年卡', '月卡', '季卡', '私教课', '体验课', '团课', '储值卡', '周边'];
const REGIONS = ['上海', '北京', '杭州', '广州', '深圳', '成都', '南京', '武汉', '苏州', '西安', '重庆', '天津'];
const WEEK_MS = 7 * 24 * 3_600_000;

export function botRep(k: number): string {
  return `rep${String(k).padStart(4, '0')}`;
}

/** What the bench asks about later: per rep, one of their customers' names. */
export type RepCustomers = Map<string, string>;

export async function seedBotBatch(
  redis: Redis,
  keys: RedisKeys,
  deps: { policy: TierPolicy; timeZone: string },
  shape: BotSeedShape,
  from: number,
  to: number,
  names: RepCustomers,
): Promise<void> {
  const commits: Commit[] = [];
  const orderIds = redis.pipeline();
  for (let i = from; i < to; i++) {
    const synthetic = syntheticContact(i, shape, deps.policy.seed.intentKeywords);
    const r = rng(i * 13 + 5);
    const first = Math.floor(r() * shape.reps);
    // A second relation goes to another rep (the synthetic shape has 25 % of them).
    const follows = synthetic.contact.follows.map((f, k) => ({ ...f, userId: botRep((first + k * (1 + Math.floor(r() * (shape.reps - 1)))) % shape.reps) }));
    const contact = { ...synthetic.contact, follows };
    const orders: Order[] = synthetic.orders.map((o) => ({
      ...o, product: PRODUCTS[Math.floor(r() * PRODUCTS.length)]!, ...(r() < 0.7 ? { region: REGIONS[Math.floor(r() * REGIONS.length)]! } : {}),
    }));
    let entry = withContact(null, contact);
    for (const interaction of synthetic.interactions) entry = withInteractionFact(entry, interaction, deps.policy.seed.intentKeywords);
    const ops: IndexOp[] = [];
    let buyerTotal = 0;
    for (const order of orders) {
      entry = withOrderFact(entry, order);
      buyerTotal += order.amount;
      ops.push(...orderAggregateOps(keys, order, contact.profile.region, buyerTotal));
    }
    const id = contact.externalUserId;
    const { stored, change } = decideTier({ externalUserId: id, ...entry.record }, deps, shape.seedAt);
    const tiered = { ...entry, record: { ...entry.record, tier: stored } };
    const committedAt = shape.now - Math.floor(r() * WEEK_MS);
    const state = indexedState(tiered.record);
    ops.push(...indexChanges(keys, id, null, state, committedAt));
    if (change) ops.push(historyOp(keys, change), ...moveOps(keys, change, state.reps, committedAt));
    commits.push({ key: keys.contact(id), expected: null, next: encodeEntry(tiered), ops });
    if (orders.length > 0) orderIds.sadd(keys.contactOrders(id), ...orders.map((o) => o.orderId));
    for (const rep of state.reps) if (!names.has(rep)) names.set(rep, contact.name);
  }
  const [results, replies] = await Promise.all([runCommits(redis, commits), orderIds.exec()]);
  const failed = results.findIndex((res) => res !== 'ok');
  if (failed >= 0) throw new Error(`seeding ${commits[failed]!.key} failed: ${results[failed]}`);
  const error = (replies ?? []).find(([err]) => err);
  if (error) throw error[0]!;
}
