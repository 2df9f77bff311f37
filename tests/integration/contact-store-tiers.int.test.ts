import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { Contact, FollowRelation, Interaction, Order } from '../../src/domain/contacts/contact.ts';
import type { StoredTier, TierChange } from '../../src/domain/ports.ts';
import { reevaluateTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { contactRecord, followRelation, storedTier, tierChange } from '../helpers/factories.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 10, 1, 2);
const { tiers: policy } = testPolicies;
const TZ = 'Asia/Shanghai';

function follow(userId: string, status: FollowRelation['status'] = 'active'): FollowRelation {
  return followRelation(userId, T0, { status });
}

function contact(id: string, reps: string[] = ['rep1']): Contact {
  return contactRecord(id, T0, { reps });
}

function tier(t: Tier, nextReviewAt: number | null, since = T0): StoredTier {
  return storedTier(t, since, { reasons: [`理由 ${t}`], nextReviewAt });
}

function change(id: string, from: Tier | null, to: Tier, at: number): TierChange {
  return tierChange(id, from, to, at, { reasons: [`${from ?? '-'}→${to}`] });
}

describe('RedisContactStore: tiers, indexes and history (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('tiers');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('gives the same engagement and tier for the same facts in another order, or twice', async () => {
    const facts = (id: string): (Interaction | Order)[] => [
      ...[1, 3, 5, 6].map((d, i): Interaction => ({ id: `in${i}`, externalUserId: id, direction: 'inbound', channel: 'message', at: T0 + d * DAY, text: d === 6 ? '多少钱' : '在吗' })),
      { id: 'push1', externalUserId: id, direction: 'outbound', channel: 'push', at: T0 + 2 * DAY },
      { orderId: 'o1', externalUserId: id, amount: 300, profit: 80, paidAt: T0 + 7 * DAY },
      { orderId: 'o2', externalUserId: id, amount: 50, cost: 45, paidAt: T0 + 8 * DAY, daysLate: 1 },
    ];
    const apply = async (fact: Interaction | Order) =>
      'orderId' in fact ? store.addOrder(fact) : store.addInteraction(fact, policy.seed.intentKeywords);
    const now = T0 + 9 * DAY;
    const deps = { store, policy, timeZone: TZ };

    await store.upsertContact(contact('in-order'));
    for (const f of facts('in-order')) await apply(f);
    await reevaluateTier(deps, 'in-order', now);

    await store.upsertContact(contact('shuffled'));
    const shuffled = facts('shuffled').reverse();
    for (const f of [...shuffled.slice(3), ...shuffled, ...shuffled.slice(0, 3)]) await apply(f);
    await reevaluateTier(deps, 'shuffled', now);

    const a = (await store.get('in-order'))!;
    const b = (await store.get('shuffled'))!;
    expect(b.engagement).toEqual(a.engagement);
    expect(b.orders).toEqual(a.orders);
    expect(b.orders).toEqual({ count: 2, amount: 350, profit: 85, paid: 2, daysLate: 1 });
    expect(b.tier).toEqual(a.tier);
    expect(a.tier?.tier).toBe('A');
    expect(await store.history('shuffled', 10)).toEqual([{ ...(await store.history('in-order', 10))[0]!, externalUserId: 'shuffled' }]);
  });

  it('moves a contact between tier indexes, rep indexes and the due index when its tier changes', async () => {
    await store.upsertContact(contact('wm1', ['rep1', 'rep2']));
    expect(await redis.zrange(keys.tierIndex('_'), 0, -1)).toEqual(['wm1']);
    expect(await redis.zrange(keys.repTierIndex('rep2', '_'), 0, -1)).toEqual(['wm1']);

    await store.saveTier('wm1', tier('C', T0 + 30 * DAY), change('wm1', null, 'C', T0));
    await store.saveTier('wm1', tier('B', T0 + 14 * DAY), change('wm1', 'C', 'B', T0 + DAY));
    expect(await store.tierCounts()).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(await store.tierCounts('rep1')).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(await store.tierCounts('rep2')).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(await redis.zrange(keys.tierIndex('_'), 0, -1)).toEqual([]);
    expect(await redis.zrange(keys.tierIndex('C'), 0, -1)).toEqual([]);
    expect(await redis.zscore(keys.tierDue(), 'wm1')).toBe(String(T0 + 14 * DAY));

    // rep2 removes the customer: rep2's index no longer lists it, rep1's still does.
    await store.upsertContact({ ...contact('wm1'), follows: [follow('rep1'), follow('rep2', 'removed_by_rep')] });
    expect(await store.tierCounts('rep2')).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    expect((await store.list({ rep: 'rep1', limit: 10 })).records.map((r) => r.contact.externalUserId)).toEqual(['wm1']);

    await store.saveTier('wm1', tier('D', null), change('wm1', 'B', 'D', T0 + 20 * DAY));
    expect(await store.tierCounts('rep1')).toEqual({ A: 0, B: 0, C: 0, D: 1 });
    expect(await redis.zscore(keys.tierDue(), 'wm1')).toBeNull();
    expect((await store.list({ tier: 'B', limit: 10 })).records).toEqual([]);
    expect((await store.list({ tier: 'D', limit: 10 })).records.map((r) => r.tier?.tier)).toEqual(['D']);
    expect(await store.history('wm1', 10)).toEqual([change('wm1', 'B', 'D', T0 + 20 * DAY), change('wm1', 'C', 'B', T0 + DAY), change('wm1', null, 'C', T0)]);
  });

  it('returns due contacts oldest first up to the limit, and drops them once re-evaluated', async () => {
    const dueAt = [5, 1, 3, 9, 2];
    for (const [i, d] of dueAt.entries()) {
      await store.upsertContact(contact(`wm${i}`));
      await store.saveTier(`wm${i}`, tier('C', T0 + d * DAY), null);
    }
    expect(await store.due(T0 + 4 * DAY, 10)).toEqual(['wm1', 'wm4', 'wm2']);
    expect(await store.due(T0 + 4 * DAY, 2)).toEqual(['wm1', 'wm4']);
    expect(await store.due(T0, 10)).toEqual([]);

    // Re-evaluating at T0+4d: wm1 has no activity for 4 days past its add, stays C until add+30d+grace.
    await reevaluateTier({ store, policy, timeZone: TZ }, 'wm1', T0 + 4 * DAY);
    expect(await store.due(T0 + 4 * DAY, 10)).toEqual(['wm4', 'wm2']);
    expect(await redis.zscore(keys.tierDue(), 'wm1')).toBe(String(T0 + (30 + policy.hysteresis.graceDays) * DAY + 1));
    await store.saveTier('wm4', tier('D', null), change('wm4', 'C', 'D', T0 + 4 * DAY));
    expect(await store.due(T0 + 4 * DAY, 10)).toEqual(['wm2']);
  });

  it('pages through every contact exactly once with stable cursors, by tier, by rep and overall', async () => {
    const tiers: (Tier | null)[] = ['A', 'B', 'C', 'D', null];
    for (let i = 0; i < 53; i++) {
      await store.upsertContact(contact(`wm${String(i).padStart(2, '0')}`, i % 3 === 0 ? ['rep1', 'rep2'] : ['rep2']));
      const t = tiers[i % 5]!;
      if (t) await store.saveTier(`wm${String(i).padStart(2, '0')}`, tier(t, null), null);
    }
    const walk = async (filter: { tier?: Tier; rep?: string }, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await store.list({ ...filter, cursor, limit });
        expect(page.records.length).toBeLessThanOrEqual(limit);
        seen.push(...page.records.map((r) => r.contact.externalUserId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 100);
      return seen;
    };
    const all = await walk({}, 7);
    expect(all).toHaveLength(53);
    expect(new Set(all).size).toBe(53);
    expect(await walk({ rep: 'rep1' }, 4)).toHaveLength(18);
    expect(new Set(await walk({ rep: 'rep2' }, 5)).size).toBe(53);
    const bTier = await walk({ tier: 'B' }, 3);
    expect(bTier).toEqual(all.filter((id) => Number(id.slice(2)) % 5 === 1).sort());
    expect(await walk({ tier: 'B', rep: 'rep1' }, 2)).toEqual(bTier.filter((id) => Number(id.slice(2)) % 3 === 0));
    // A page that ends exactly at the end says so.
    expect((await store.list({ tier: 'A', limit: 11 })).nextCursor).toBeNull();
    await expect(store.list({ cursor: 'not-a-cursor', limit: 5 })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });

  it('caps the history at the 50 latest changes, newest first', async () => {
    await store.upsertContact(contact('wm1'));
    const order: Tier[] = ['C', 'B'];
    for (let i = 0; i < 60; i++) {
      await store.saveTier('wm1', tier(order[i % 2]!, null), change('wm1', i === 0 ? null : order[(i + 1) % 2]!, order[i % 2]!, T0 + i));
    }
    const history = await store.history('wm1', 100);
    expect(history).toHaveLength(50);
    expect(history[0]!.at).toBe(T0 + 59);
    expect(history.at(-1)!.at).toBe(T0 + 10);
    expect(await store.history('wm1', 3)).toEqual(history.slice(0, 3));
  });

  it('keeps an override as the tier until it ends, through reevaluateTier', async () => {
    await store.upsertContact(contact('wm1'));
    const deps = { store, policy, timeZone: TZ };
    await store.setOverride('wm1', { tier: 'A', by: '李经理', reason: '战略客户', at: T0, until: T0 + 10 * DAY });
    const set = await reevaluateTier(deps, 'wm1', T0 + DAY);
    expect(set).toMatchObject({ from: null, to: 'A', source: 'override' });
    expect(await store.due(T0 + 10 * DAY, 5)).toEqual(['wm1']);
    const ended = await reevaluateTier(deps, 'wm1', T0 + 10 * DAY + 1);
    expect(ended).toMatchObject({ from: 'A', to: 'C', source: 'rules' });
    expect(await store.tierCounts('rep1')).toEqual({ A: 0, B: 0, C: 1, D: 0 });
  });
});
