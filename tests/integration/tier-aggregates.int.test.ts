import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { moveOps } from '../../src/adapters/redis/contact-store/indexes.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { RedisTierAggregates } from '../../src/adapters/redis/tier-aggregates.ts';
import { TIERS, type Tier } from '../../src/domain/tiers/policy.ts';
import { contactRecord, storedTier, tierChange } from '../helpers/factories.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const T0 = Date.UTC(2025, 10, 1, 2);

describe('tier aggregates kept by the contact commit (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let batches: RedisTierBatches;
  let aggregates: RedisTierAggregates;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('agg');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    batches = new RedisTierBatches({ redis, keys });
    aggregates = new RedisTierAggregates({ redis, keys });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  /** The counts as the indexes have them (ZCARD): what the aggregates must always equal. */
  async function indexCounts(rep?: string): Promise<Record<Tier, number>> {
    const out = { A: 0, B: 0, C: 0, D: 0 };
    for (const t of TIERS) out[t] = await redis.zcard(rep ? keys.repTierIndex(rep, t) : keys.tierIndex(t));
    return out;
  }

  async function seed(id: string, tier: Tier, reps: string[]): Promise<void> {
    await store.upsertContact(contactRecord(id, T0, { reps }));
    await store.saveTier(id, storedTier(tier, T0), tierChange(id, null, tier, T0));
  }

  it('counts per tier and rep equal the indexes, and the week shows the moves and the change', async () => {
    await seed('c1', 'A', ['rep1']);
    await seed('c2', 'B', ['rep1', 'rep2']);
    await seed('c3', 'B', ['rep2']);
    await store.saveTier('c3', storedTier('C', T0 + 1), tierChange('c3', 'B', 'C', T0 + 1));

    const table = await aggregates.tierTable();
    expect(table.corp).toEqual(await indexCounts());
    expect(table.corp).toEqual({ A: 1, B: 1, C: 1, D: 0 });
    expect(table.reps).toEqual([
      { rep: 'rep1', counts: await indexCounts('rep1') },
      { rep: 'rep2', counts: await indexCounts('rep2') },
    ]);
    expect((await aggregates.tierChange()).delta).toEqual({ A: 1, B: 1, C: 1, D: 0 });
    expect((await aggregates.tierChange('rep2')).delta).toEqual({ A: 0, B: 1, C: 1, D: 0 });
    const moves = (await aggregates.tierMoves()).moves;
    expect(moves).toEqual(expect.arrayContaining([{ from: null, to: 'B', count: 2 }, { from: null, to: 'A', count: 1 }, { from: 'B', to: 'C', count: 1 }]));
    expect(moves).toHaveLength(3);
    expect((await aggregates.tierMoves('rep1')).moves).toEqual(expect.arrayContaining([{ from: null, to: 'A', count: 1 }, { from: null, to: 'B', count: 1 }]));
  });

  it('two tier jobs writing one contact from the same read: one commits, the other is told, in either order; a rerun counts nothing twice', async () => {
    for (const order of [['B', 'C'], ['C', 'B']] as const) {
      const id = `race-${order[0]}`;
      await seed(id, 'A', ['rep1']);
      const [read] = await batches.read([id]);
      const write = (to: Tier) => ({ input: read!, tier: storedTier(to, T0 + 5), change: tierChange(id, 'A', to, T0 + 5) });
      const [first, second] = await Promise.all([batches.saveIfUnchanged([write(order[0])]), batches.saveIfUnchanged([write(order[1])])]);
      // Exactly one of the two lost (its id comes back as not written).
      expect([...first, ...second]).toEqual([id]);
      // The loser re-reads and writes its tier on top (the last word stands), then a crashed job runs again.
      const loser = first.length > 0 ? order[0] : order[1];
      const [again] = await batches.read([id]);
      expect(await batches.saveIfUnchanged([{ input: again!, tier: storedTier(loser, T0 + 6), change: tierChange(id, again!.tier!.tier, loser, T0 + 6) }])).toEqual([]);
      expect(await batches.saveIfUnchanged([{ input: again!, tier: storedTier(loser, T0 + 6), change: tierChange(id, again!.tier!.tier, loser, T0 + 6) }])).toEqual([id]);
      expect((await store.get(id))!.tier!.tier).toBe(loser);
    }
    const table = await aggregates.tierTable();
    expect(table.corp).toEqual(await indexCounts());
    expect(table.reps).toEqual([{ rep: 'rep1', counts: await indexCounts('rep1') }]);
    expect(table.corp).toEqual({ A: 0, B: 1, C: 1, D: 0 });
    // Per contact: A (first tier), the winner's move, the loser's move on top; nothing else.
    const moves = (await aggregates.tierMoves()).moves;
    const count = (from: Tier | null, to: Tier) => moves.find((m) => m.from === from && m.to === to)?.count ?? 0;
    expect(count(null, 'A')).toBe(2);
    expect(count('A', 'B') + count('A', 'C')).toBe(2);
    expect(count('B', 'C') + count('C', 'B')).toBe(2);
    expect(moves.reduce((s, m) => s + m.count, 0)).toBe(6);
  });

  it('a rep losing a customer and a tier change racing on one record keep the counts equal to the indexes', async () => {
    await seed('c1', 'B', ['rep1', 'rep2']);
    await Promise.all([
      store.saveTier('c1', storedTier('A', T0 + 2), tierChange('c1', 'B', 'A', T0 + 2)),
      store.upsertContact(contactRecord('c1', T0 + 3, { reps: ['rep1'] })),
    ]);
    const table = await aggregates.tierTable();
    expect(table.corp).toEqual(await indexCounts());
    for (const rep of ['rep1', 'rep2']) expect(table.reps.find((r) => r.rep === rep)?.counts ?? { A: 0, B: 0, C: 0, D: 0 }).toEqual(await indexCounts(rep));
    expect(table.corp.A).toBe(1);
  });

  it('recount rebuilds the counts of an archive kept before them, and later commits add to it', async () => {
    await seed('c1', 'A', ['rep1']);
    await seed('c2', 'D', ['rep1']);
    await redis.del(keys.tierCounts());
    expect((await aggregates.tierTable()).corp).toEqual({ A: 0, B: 0, C: 0, D: 0 });
    await aggregates.recountTiers();
    expect((await aggregates.tierTable()).corp).toEqual(await indexCounts());
    await seed('c3', 'A', ['rep2']);
    const table = await aggregates.tierTable();
    expect(table.corp).toEqual({ A: 2, B: 0, C: 0, D: 1 });
    expect(table.reps.map((r) => r.rep)).toEqual(['rep1', 'rep2']);
    expect((await aggregates.tierChange()).since).toBeGreaterThan(T0);
  });

  it('orders add to product, region and the Pareto share once per orderId', async () => {
    for (const [i, amount] of [1000, 100, 100, 100, 100].entries()) {
      await store.upsertContact(contactRecord(`b${i}`, T0, { reps: ['rep1'] }));
      await store.addOrder({ orderId: `o${i}`, externalUserId: `b${i}`, amount, product: i === 0 ? '年卡' : '月卡', region: i < 2 ? '上海' : undefined });
    }
    await store.addOrder({ orderId: 'o0', externalUserId: 'b0', amount: 1000, product: '年卡', region: '上海' });
    const { products, regions } = await aggregates.orderBreakdown();
    expect(products).toEqual([{ label: '年卡', orders: 1, amount: 1000 }, { label: '月卡', orders: 4, amount: 400 }]);
    expect(regions).toEqual([{ label: '上海', orders: 2, amount: 1100 }, { label: '未填', orders: 3, amount: 300 }]);
    expect(await aggregates.pareto()).toEqual({ buyers: 5, top: 1, topAmount: 1000, totalAmount: 1400 });
  });

  it('reads every kind of move a change can write, for the corp and for one rep only (rep1 is not rep10), and a rep\'s counts from their own row', async () => {
    const from = [null, ...TIERS] as const;
    let n = 0;
    for (const f of from) {
      for (const t of TIERS) {
        if (f === t) continue;
        n++;
        // rep1 gets each move once, rep10 (whose fields start with "rep1") twice.
        for (const [reps, times] of [[['rep1'], 1], [['rep10'], 2]] as const) {
          for (let i = 0; i < times; i++) {
            for (const op of moveOps(keys, tierChange(`c-${f}-${t}`, f, t, T0), reps)) if (op.op === 'I') await redis.hincrby(op.key, op.field, op.by);
          }
        }
      }
    }
    const corp = (await aggregates.tierMoves()).moves;
    expect(corp).toHaveLength(n);
    expect(corp.every((m) => m.count === 3)).toBe(true);
    const rep1 = (await aggregates.tierMoves('rep1')).moves;
    expect(rep1).toHaveLength(n);
    expect(rep1.every((m) => m.count === 1)).toBe(true);
    expect(rep1).toEqual(expect.arrayContaining([{ from: null, to: 'D', count: 1 }, { from: 'D', to: 'A', count: 1 }]));
    expect((await aggregates.tierMoves('rep2')).moves).toEqual([]);

    await seed('c1', 'A', ['rep1']);
    await seed('c2', 'B', ['rep1', 'rep10']);
    expect(await aggregates.repTierCounts('rep1')).toEqual(await indexCounts('rep1'));
    expect(await aggregates.repTierCounts('rep10')).toEqual({ A: 0, B: 1, C: 0, D: 0 });
    expect(await aggregates.repTierCounts('nobody')).toEqual({ A: 0, B: 0, C: 0, D: 0 });
  });

  it('the Pareto share over more buyers than one page: the top 20 % and the whole, in one pass', async () => {
    // 2,501 buyers of 1 … 2,501 fen: the top ceil(500.2) = 501 are 2,001 … 2,501.
    const buyers = 2501;
    const args: (string | number)[] = [];
    for (let i = 1; i <= buyers; i++) args.push(i, `b${i}`);
    await redis.zadd(keys.buyerRevenue(), ...args);
    const top = Math.ceil(buyers * 0.2);
    const sum = (a: number, b: number) => ((a + b) * (b - a + 1)) / 2;
    expect(await aggregates.pareto()).toEqual({ buyers, top, topAmount: sum(buyers - top + 1, buyers) / 100, totalAmount: sum(1, buyers) / 100 });
    expect((await aggregates.pareto(0.5)).topAmount).toBe(sum(buyers - Math.ceil(buyers * 0.5) + 1, buyers) / 100);
  });
});
