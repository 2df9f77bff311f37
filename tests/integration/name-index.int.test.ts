import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisCustomerFinder } from '../../src/adapters/redis/customer-finder.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { queryGrams } from '../../src/domain/contacts/name-search.ts';
import { contactRecord, followRelation, storedTier } from '../helpers/factories.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const T0 = Date.UTC(2026, 0, 5, 2);
const DAY = 86_400_000;

describe('the name index follows the records (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let finder: RedisCustomerFinder;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('nmindex');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    finder = new RedisCustomerFinder({ redis, keys, store });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  async function find(query: string, rep?: string): Promise<string[]> {
    const q = queryGrams(query);
    if ('problem' in q) return [];
    return (await finder.findByGrams(q.grams, rep, 50)).map((r) => r.contact.externalUserId).sort();
  }

  it('finds by prefix and substring of name or remark, within a rep\'s customers, and follows renames', async () => {
    await store.upsertContact(contactRecord('wm-1', T0, { name: '张三', follows: [followRelation('zhangwei', T0, { remark: '张总-华为' })] }));
    await store.upsertContact(contactRecord('wm-2', T0, { name: '小张三', reps: ['lisi'] }));
    await store.upsertContact(contactRecord('wm-3', T0, { name: 'Tom Lee', reps: ['lisi'] }));
    expect(await find('张三')).toEqual(['wm-1', 'wm-2']);
    expect(await find('张')).toEqual(['wm-1', 'wm-2']);
    expect(await find('华为')).toEqual(['wm-1']);
    expect(await find('ｔｏｍ')).toEqual(['wm-3']);
    expect(await find('张三', 'zhangwei')).toEqual(['wm-1']);
    expect(await find('张三', 'lisi')).toEqual(['wm-2']);
    // The rep renames the remark: the old words no longer find it, the new ones do.
    await store.upsertContact(contactRecord('wm-1', T0 + DAY, { name: '张三', follows: [followRelation('zhangwei', T0, { remark: '阿里王经理' })] }));
    expect(await find('华为')).toEqual([]);
    expect(await find('阿里')).toEqual(['wm-1']);
    expect(await redis.exists(keys.nameIndex('华为'))).toBe(0);
  });

  it('ranks a tier by follow-up urgency (longest waiting first), for a rep or the corp', async () => {
    for (const [id, rep, since] of [['wm-a', 'zhangwei', 5], ['wm-b', 'zhangwei', 20], ['wm-c', 'lisi', 30]] as const) {
      await store.upsertContact(contactRecord(id, T0, { reps: [rep] }));
      await store.saveTier(id, storedTier('B', T0 - since * DAY), null);
    }
    const rep = await finder.byUrgency('B', 'zhangwei', 10);
    expect(rep.records.map((r) => r.contact.externalUserId)).toEqual(['wm-b', 'wm-a']);
    expect(rep.total).toBe(2);
    const corp = await finder.byUrgency('B', undefined, 2);
    expect(corp.records.map((r) => r.contact.externalUserId)).toEqual(['wm-c', 'wm-b']);
    expect(corp.total).toBe(3);
    expect((await finder.ofRep('lisi')).map((r) => r.contact.externalUserId)).toEqual(['wm-c']);
  });

  it('backfills contacts stored before the index once, and never reads what a member typed as a pattern', async () => {
    await store.upsertContact(contactRecord('wm-old', T0, { name: '王五' }));
    const grams = await redis.keys(`${prefix}:ix:nm:*`);
    await redis.del(...grams);
    expect(await find('王五')).toEqual([]);
    expect(await finder.backfillOnce()).toBe(1);
    expect(await finder.backfillOnce()).toBe(0);
    expect(await find('王五')).toEqual(['wm-old']);
    const ours = async () => (await redis.keys(`${prefix}:*`)).sort();
    const before = await ours();
    for (const q of ['*', '?', '[a-z]', "' OR 1=1", '王*']) await find(q);
    expect(await ours()).toEqual(before);
    expect(await find('王*')).toEqual(['wm-old']);
  });
});
