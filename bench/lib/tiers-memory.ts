import type { Redis } from 'ioredis';
import { SEGMENTS } from '../../src/adapters/redis/contact-store/indexes.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { TIERS } from '../../src/domain/tiers/policy.ts';

/** INFO memory used_memory, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error('INFO memory has no used_memory');
  return Number(match[1]);
}

/** Bytes per contact by key kind (MEMORY USAGE): sampled per-contact keys, whole indexes. */
export interface MemoryBreakdown {
  record: number;
  history: number;
  orders: number;
  tierIndex: number;
  repIndex: number;
  dueIndex: number;
  /** The follow-up due index (a sorted set per tier of contacts that can be pushed). */
  followUpIndex: number;
}

export async function memoryBreakdown(redis: Redis, keys: RedisKeys, o: { ids: string[]; reps: string[]; count: number }): Promise<MemoryBreakdown> {
  const usage = async (key: string): Promise<number> => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  let record = 0;
  let history = 0;
  let orders = 0;
  for (const id of o.ids) {
    record += await usage(keys.contact(id));
    history += await usage(keys.contactHistory(id));
    orders += await usage(keys.contactOrders(id));
  }
  let tierIndex = 0;
  for (const s of SEGMENTS) tierIndex += await usage(keys.tierIndex(s));
  let repIndex = 0;
  for (const rep of o.reps) for (const s of SEGMENTS) repIndex += await usage(keys.repTierIndex(rep, s));
  const dueIndex = await usage(keys.tierDue());
  let followUpIndex = 0;
  for (const tier of TIERS) followUpIndex += await usage(keys.followUpDue(tier));
  const n = o.ids.length;
  return {
    record: record / n, history: history / n, orders: orders / n,
    tierIndex: tierIndex / o.count, repIndex: repIndex / o.count, dueIndex: dueIndex / o.count, followUpIndex: followUpIndex / o.count,
  };
}
