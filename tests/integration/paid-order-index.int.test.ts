import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisPaidOrderIndex } from '../../src/adapters/redis/paid-order-index.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { Order } from '../../src/domain/contacts/contact.ts';
import { instantOf } from '../../src/domain/followups/local-time.ts';
import { AfterSalePlanner } from '../../src/domain/outreach/planners/after-sale.ts';
import { contactRecord, storedTier } from '../helpers/factories.ts';
import { testOccasions } from '../helpers/occasions.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const TZ = 'Asia/Shanghai';
const T0 = Date.UTC(2026, 8, 1);
const local = (y: number, m: number, d: number, hh = 12) => instantOf({ year: y, month: m, day: d }, hh * 60, TZ);

describe('the paid-orders index follows addOrder (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let index: RedisPaidOrderIndex;

  beforeEach(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('paidix');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    index = new RedisPaidOrderIndex({ redis, keys });
    for (const id of ['wm1', 'wm2']) {
      await store.upsertContact(contactRecord(id, T0, { reps: ['zhangwei'] }));
      await store.saveTier(id, storedTier('B', T0), null);
    }
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  const order = (orderId: string, externalUserId: string, paidAt?: number, over: Partial<Order> = {}): Order =>
    ({ orderId, externalUserId, amount: 199, ...(paidAt === undefined ? {} : { paidAt }), ...over });
  const all = () => index.paidBetween(0, Number.MAX_SAFE_INTEGER, 0, 100);

  it('files a paid order with the order itself, once however often it is replayed; an unpaid one not at all', async () => {
    expect(await store.addOrder(order('SO-1', 'wm1', local(2026, 9, 20)))).toBe('added');
    expect(await store.addOrder(order('SO-1', 'wm1', local(2026, 9, 20)))).toBe('duplicate');
    expect(await store.addOrder(order('SO-1', 'wm1', local(2026, 9, 21)))).toBe('conflict');
    expect(await store.addOrder(order('SO-due', 'wm1', undefined, { dueAt: local(2026, 9, 30) }))).toBe('added');
    expect(await store.addOrder(order('SO-x', 'wmUnknown', local(2026, 9, 20)))).toBe('unknown_contact');
    expect(await all()).toEqual([{ externalUserId: 'wm1', orderId: 'SO-1', paidAt: local(2026, 9, 20) }]);
  });

  it('the same order id sent twice at once is filed once', async () => {
    const results = await Promise.all([store.addOrder(order('SO-r', 'wm2', local(2026, 9, 1))), store.addOrder(order('SO-r', 'wm2', local(2026, 9, 1)))]);
    expect(results.sort()).toEqual(['added', 'duplicate']);
    expect(await all()).toHaveLength(1);
  });

  it('reads a payment window by time, [from, to), oldest first, by offset', async () => {
    await store.addOrder(order('SO-a', 'wm1', local(2026, 9, 1, 0)));
    await store.addOrder(order('SO-b', 'wm2', local(2026, 9, 1, 23)));
    await store.addOrder(order('SO-c', 'wm1', local(2026, 9, 2, 0)));
    const sept1 = await index.paidBetween(local(2026, 9, 1, 0), local(2026, 9, 2, 0), 0, 10);
    expect(sept1.map((r) => r.orderId)).toEqual(['SO-a', 'SO-b']);
    expect((await index.paidBetween(local(2026, 9, 1, 0), local(2026, 9, 3, 0), 1, 1)).map((r) => r.orderId)).toEqual(['SO-b']);
  });

  it('backfills the orders kept before the index existed, once', async () => {
    await store.addOrder(order('SO-1', 'wm1', local(2026, 9, 20)));
    await store.addOrder(order('SO-2', 'wm2', local(2026, 9, 21)));
    await store.addOrder(order('SO-3', 'wm2'));
    await redis.del(keys.paidOrders());
    expect(await all()).toEqual([]);
    expect(await index.backfillOnce()).toBe(2);
    expect((await all()).map((r) => r.orderId)).toEqual(['SO-1', 'SO-2']);
    await redis.del(keys.paidOrders());
    expect(await index.backfillOnce()).toBe(0);
  });

  it('the planner sends each care step of an order on its day, with the product\'s text where configured', async () => {
    const occasions = structuredClone(testOccasions.occasions);
    occasions.afterSale.steps[1]!.byProduct = { 年度会员: '会员权益用得顺手吗？' };
    await store.addOrder(order('SO-9', 'wm1', local(2026, 9, 20, 21), { product: '年度会员' }));
    const planner = new AfterSalePlanner({ index, records: store, occasions, timeZone: TZ });
    const itemsOn = async (m: number, d: number) => (await planner.page(local(2026, m, d, 11), null, 50)).items.map((i) => [i.occasionKey, i.text]);
    expect(await itemsOn(9, 21)).toEqual([['aftersale:2026-09-20:1', '收到货了吗？']]);
    expect(await itemsOn(9, 27)).toEqual([['aftersale:2026-09-20:1', '收到货了吗？'], ['aftersale:2026-09-20:7', '会员权益用得顺手吗？']]);
    expect(await itemsOn(10, 20)).toEqual([['aftersale:2026-09-20:30', '需要补货吗？']]);
    expect(await itemsOn(10, 28)).toEqual([]);
  });
});
