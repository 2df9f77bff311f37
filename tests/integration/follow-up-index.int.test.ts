import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisFollowUpIndex } from '../../src/adapters/redis/follow-up-index.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import { reevaluateDueTiers } from '../../src/jobs/tiers/reevaluate-due-tiers.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { reevaluateTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 2);
const { tiers: policy } = testPolicies;
const TZ = 'Asia/Shanghai';

describe('the follow-up due index follows the records (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let index: RedisFollowUpIndex;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('fuindex');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    index = new RedisFollowUpIndex({ redis, keys });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  /** Where the contact is in the index: [tier, anchor], or null. */
  async function entry(id: string): Promise<[Tier, number] | null> {
    for (const tier of ['A', 'B', 'C', 'D'] as const) {
      const score = await redis.zscore(keys.followUpDue(tier), id);
      if (score !== null) return [tier, Number(score)];
    }
    return null;
  }

  async function added(id: string, reps = ['zhangwei']): Promise<void> {
    await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: T0, updatedAt: T0,
      follows: reps.map((userId) => ({ userId, addedAt: T0, changedAt: T0, tagIds: [], status: 'active' as const })) });
  }

  it('enters with a tier (anchored at its since), moves with a push and a tier change, leaves when the customer does', async () => {
    await added('wm1');
    expect(await entry('wm1')).toBeNull();
    await reevaluateTier({ store, policy, timeZone: TZ }, 'wm1', T0);
    expect(await entry('wm1')).toEqual(['C', T0]);

    await store.addInteraction({ id: 'p1', externalUserId: 'wm1', direction: 'outbound', channel: 'push', at: T0 + DAY }, []);
    expect(await entry('wm1')).toEqual(['C', T0 + DAY]);

    for (const h of [1, 2, 3]) await store.addInteraction({ id: `m${h}`, externalUserId: 'wm1', direction: 'inbound', channel: 'message', at: T0 + 2 * DAY + h }, []);
    await reevaluateTier({ store, policy, timeZone: TZ }, 'wm1', T0 + 2 * DAY + 10);
    expect(await entry('wm1')).toEqual(['B', T0 + DAY]);

    await store.applyRelationFacts('wm1', [{ userId: 'zhangwei', status: 'removed_by_customer', at: T0 + 3 * DAY }]);
    expect(await entry('wm1')).toBeNull();
    await store.setCustomerLeft('wm1', true);
    await reevaluateTier({ store, policy, timeZone: TZ }, 'wm1', T0 + 3 * DAY);
    expect((await store.get('wm1'))!.tier).toMatchObject({ tier: 'D', lifecycle: 'churned' });
    expect(await entry('wm1')).toBeNull();
  });

  it('tier batch writes (the due job) move the entry with the tier; candidates are read by anchor', async () => {
    await added('wm2');
    await reevaluateTier({ store, policy, timeZone: TZ }, 'wm2', T0);
    const later = T0 + 40 * DAY;
    await reevaluateDueTiers({ batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone: TZ }, { now: later, limit: 10 });
    expect((await store.get('wm2'))!.tier!.tier).toBe('D');
    expect(await entry('wm2')).toEqual(['D', later]);
    expect(await index.candidates('D', later + 1, 0, 10)).toEqual(['wm2']);
    expect(await index.candidates('D', later, 0, 10)).toEqual([]);
  });

  it('backfills contacts the index lacks once, and not again', async () => {
    for (const id of ['wm3', 'wm4']) {
      await added(id);
      await reevaluateTier({ store, policy, timeZone: TZ }, id, T0);
    }
    await added('wmNoTier');
    await redis.del(keys.followUpDue('C'));
    expect(await index.backfillOnce()).toBe(2);
    expect(await entry('wm3')).toEqual(['C', T0]);
    expect(await entry('wmNoTier')).toBeNull();
    await redis.del(keys.followUpDue('C'));
    expect(await index.backfillOnce()).toBe(0);
    expect(await entry('wm3')).toBeNull();
  });
});
