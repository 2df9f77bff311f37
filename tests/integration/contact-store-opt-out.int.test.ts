import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisValueBatches } from '../../src/adapters/redis/contact-store/value-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { detectOptOut } from '../../src/domain/contacts/opt-out.ts';
import type { OptOut } from '../../src/domain/ports.ts';
import { recomputeAllTiers } from '../../src/jobs/tiers/recompute-all-tiers.ts';
import { scoreAllValues } from '../../src/jobs/value/score-all-values.ts';
import { contactRecord, inboundMessage } from '../helpers/factories.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { testPolicies } from '../helpers/tier-rules.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 8, 1, 2);
const { tiers: policy } = testPolicies;
const KEYWORDS = policy.seed.intentKeywords;

describe('opt-out in the contact store (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;

  beforeEach(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('optout');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    await store.upsertContact(contactRecord('wm1', T0 - 10 * DAY));
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  /** Stores a customer message, with the opt-out it carries, as recordInteractions does. */
  async function write(id: string, at: number, text: string): Promise<OptOut | null> {
    const message = inboundMessage(id, 'wm1', at, text);
    const optOut = detectOptOut(message, policy.optOut);
    expect(await store.addInteraction(message, KEYWORDS, optOut)).toBe('added');
    return optOut;
  }

  it('is written with its message and kept through every other kind of write, tier and value jobs included', async () => {
    const optOut = await write('m1', T0 - DAY, '退订');
    expect((await store.get('wm1'))?.optOut).toEqual({ at: T0 - DAY, keyword: '退订', source: 'm1' });

    await store.upsertContact(contactRecord('wm1', T0 - 10 * DAY, { name: '新名字' }));
    await store.mergeContact(contactRecord('wm1', T0 - 10 * DAY, { name: '新名字', reps: ['rep2'] }));
    await store.patchProfile('wm1', { occupation: '店长' }, T0);
    await store.addOrder({ orderId: 'o1', externalUserId: 'wm1', amount: 99, paidAt: T0 - DAY });
    await store.addInteraction(inboundMessage('m2', 'wm1', T0, '多少钱'), KEYWORDS);
    await store.setOverride('wm1', { tier: 'A', by: 'crm', reason: '大客户', at: T0 });
    await store.setCustomerLeft('wm1', false);
    const before = await redis.get(keys.contact('wm1'));
    // The tier job writes the hot half alone, the value job the value inside the cold half.
    const tiers = await recomputeAllTiers({ batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone: 'Asia/Shanghai' }, { now: T0, batchSize: 10 });
    expect(tiers.written).toBe(1);
    const values = await scoreAllValues({ batches: new RedisValueBatches({ redis, keys }), policy: testPolicies.value, clock: { now: () => T0 } });
    expect(values.stats.buyers).toBe(1);
    const record = (await store.get('wm1'))!;
    expect(await redis.get(keys.contact('wm1'))).not.toBe(before);
    expect(record).toMatchObject({ contact: { name: '新名字', profile: { occupation: '店长' } }, tier: { tier: 'A' }, value: { score: expect.any(Number) } });
    expect(record.optOut).toEqual(optOut);
  });

  it('answers a replay of the opt-out message as a duplicate and writes nothing', async () => {
    await write('m1', T0 - DAY, 'TD');
    const raw = await redis.get(keys.contact('wm1'));
    const again = inboundMessage('m1', 'wm1', T0 - DAY, 'TD');
    expect(await store.addInteraction(again, KEYWORDS, detectOptOut(again, policy.optOut))).toBe('duplicate');
    // The same id that now reads as an opt-out, first stored as something else, is a conflict: the first stays.
    const plain = inboundMessage('m2', 'wm1', T0 - DAY, '你好');
    await store.addInteraction(plain, KEYWORDS, null);
    const reworded = { ...plain, text: '退订' };
    expect(await store.addInteraction(reworded, KEYWORDS, detectOptOut(reworded, policy.optOut))).toBe('conflict');
    expect((await store.get('wm1'))?.optOut?.source).toBe('m1');
    expect(await redis.get(keys.contact('wm1'))).not.toBe(raw);
  });

  it('the latest word wins whichever write lands first, racing included', async () => {
    await Promise.all([
      store.applyOptOutFact('wm1', { kind: 'reversal', reversal: { at: T0, by: 'crm' } }),
      write('m1', T0 - DAY, '退订'),
      write('m2', T0 - 2 * DAY, '不要再发了'),
    ]);
    expect(await store.get('wm1')).toMatchObject({ optOutReversal: { at: T0, by: 'crm' } });
    expect((await store.get('wm1'))?.optOut).toBeUndefined();
    await write('m3', T0 + DAY, '拒收消息');
    expect(await store.applyOptOutFact('wm1', { kind: 'reversal', reversal: { at: T0 + 1, by: 'crm' } })).toEqual({
      optOut: { at: T0 + DAY, keyword: '拒收消息', source: 'm3' }, optOutReversal: null,
    });
    expect(await store.applyOptOutFact('ghost', { kind: 'reversal', reversal: { at: T0, by: 'crm' } })).toBeNull();
  });
});
