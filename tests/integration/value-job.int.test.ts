import { Queue, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisValueBatches } from '../../src/adapters/redis/contact-store/value-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { ContactRecord } from '../../src/domain/ports.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { buildValueModel, effectiveValue, scoreBuyer, scoreValues, type ValueInput, type ValueResult } from '../../src/domain/value/value-score.ts';
import { recomputeAllTiers } from '../../src/jobs/tiers/recompute-all-tiers.ts';
import { buyerNumbers, scoreAllValues, type ValueJobDeps, type ValueRunStats } from '../../src/jobs/value/score-all-values.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { VALUE_JOB_NAME, type ValueJobData } from '../../src/jobs/value/job.ts';
import { createValueWorker, enqueueValueScoring } from '../../src/jobs/value/worker.ts';
import { syncQueueSchedules } from '../../src/jobs/scheduler.ts';
import { VALUE_CRON } from '../../src/jobs/value/job.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForJob } from '../helpers/wait-for.ts';

const { tiers: tierPolicy, value: policy } = testPolicies;
const T0 = Date.UTC(2025, 10, 1, 2);
const N = 50;
const log = pino({ level: 'silent' });
const idOf = (i: number) => `wm${String(i).padStart(3, '0')}`;

describe('value scoring job (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let store: RedisContactStore;
  let deps: ValueJobDeps;

  beforeEach(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('value');
    keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    deps = { batches: new RedisValueBatches({ redis, keys }), policy, clock: { now: () => T0 } };
    // 50 contacts with Chinese names; 3 in 10 never ordered. Buyers differ in order count,
    // amount, profit (given, or amount − cost, or neither) and days paid late.
    for (let i = 0; i < N; i++) {
      const id = idOf(i);
      const at = T0 - (i % 9) * DAY_MS;
      await store.upsertContact({ externalUserId: id, name: `客户${i}号`, type: 1, gender: 'unknown', profile: { note: '老客户, [重要]' }, createdAt: at, updatedAt: at,
        follows: [{ userId: `rep${i % 3}`, addedAt: at, tagIds: [], status: 'active', changedAt: at, remark: `备注${i}` }] });
      if (i % 10 < 3) continue;
      for (let k = 0; k < 1 + (i % 5); k++) {
        const amount = (i % 2 ? 20 : 400) + ((i * 37 + k * 11) % 23) * 10.5;
        const profitPart = k % 3 === 0 ? { profit: amount * ((i % 7) / 10) } : k % 3 === 1 ? { cost: amount * 0.8 } : {};
        const paid = (i + k) % 6 !== 0;
        await store.addOrder({
          orderId: `${id}-o${k}`, externalUserId: id, amount, ...profitPart,
          ...(paid ? { paidAt: at - k * DAY_MS, daysLate: (i * k) % 45 } : { dueAt: at }),
        });
      }
    }
    // Spread the contacts over the tier indexes the job scans (A for buyers, C for the rest).
    await recomputeAllTiers({ batches: new RedisTierBatches({ redis, keys }), store, policy: tierPolicy, timeZone: 'Asia/Shanghai' }, { now: T0, batchSize: 16 });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  async function records(): Promise<Map<string, ContactRecord>> {
    const all = new Map<string, ContactRecord>();
    for (let i = 0; i < N; i++) all.set(idOf(i), (await store.get(idOf(i)))!);
    return all;
  }

  function inputsOf(all: Map<string, ContactRecord>): ValueInput[] {
    return [...all].map(([id, r]) => ({ externalUserId: id, ...buyerNumbers(r.orders) }));
  }

  function counts(results: ValueResult[]) {
    const grades = { high: 0, mid: 0, low: 0 };
    const quadrants = { star: 0, flow: 0, stream: 0, burden: 0 };
    for (const r of results) {
      grades[r.grade]++;
      if (r.quadrant) quadrants[r.quadrant]++;
    }
    return { grades, quadrants };
  }

  it('stores every buyer’s value as scoreValues decides it; contacts without orders stay unstored (score 0, low, no quadrant)', async () => {
    const before = await records();
    const { stats, summary } = await scoreAllValues(deps, { batchSize: 7 });
    const after = await records();
    const expected = scoreValues(inputsOf(before), policy);

    expect(stats).toMatchObject({ contacts: N, buyers: 35, written: 35, retried: 0, skipped: 0 });
    for (const e of expected) {
      const record = after.get(e.externalUserId)!;
      const { externalUserId, ...value } = e;
      if (record.orders.count > 0) expect(record.value, externalUserId).toEqual(value);
      else {
        expect(record.value, externalUserId).toBeNull();
        expect(effectiveValue(record.value, 0)).toEqual({ score: 0, grade: 'low', quadrant: null });
        expect(value).toEqual({ score: 0, grade: 'low', quadrant: null });
      }
      // Only the value changed: names, relations, profile, totals and tier are as they were.
      expect({ ...record, value: null }, externalUserId).toEqual({ ...before.get(externalUserId)!, value: null });
    }
    // 35 buyers: 20 % of them high.
    const buyers = expected.filter((e) => after.get(e.externalUserId)!.orders.count > 0);
    expect(buyers.filter((b) => b.grade === 'high')).toHaveLength(7);
    expect(new Set(buyers.map((b) => b.quadrant))).toEqual(new Set(['star', 'flow', 'stream', 'burden']));
    expect(summary).toEqual({ at: T0, contacts: N, buyers: 35, ...counts(expected) });
    expect(await store.valueSummary()).toEqual(summary);
  });

  it('writes nothing when run again, and clears a value left on a contact without orders', async () => {
    await scoreAllValues(deps, { batchSize: 7 });
    const first = await records();
    await store.saveValues([{ externalUserId: idOf(0), score: 88, grade: 'high', quadrant: 'star' }]);

    const { stats } = await scoreAllValues(deps, { batchSize: 13 });
    expect(stats).toMatchObject({ contacts: N, buyers: 35, written: 1, retried: 0 });
    expect(await records()).toEqual(first);
    expect((await scoreAllValues(deps)).stats.written).toBe(0);
  });

  it('re-reads a contact that got an order between its read and its write, and scores it as it is now', async () => {
    const population = inputsOf(await records()).filter((b) => b.orderCount > 0);
    const batches = new RedisValueBatches({ redis, keys });
    let injected = false;
    const racing = Object.assign(Object.create(batches) as RedisValueBatches, {
      saveIfUnchanged: async (writes: Parameters<RedisValueBatches['saveIfUnchanged']>[0]) => {
        if (!injected && writes.some((w) => w.row.externalUserId === idOf(5))) {
          injected = true;
          await store.addOrder({ orderId: 'late-order', externalUserId: idOf(5), amount: 5000, profit: 2500, paidAt: T0 });
        }
        return batches.saveIfUnchanged(writes);
      },
    });
    const { stats } = await scoreAllValues({ ...deps, batches: racing }, { batchSize: 10 });

    expect(injected).toBe(true);
    expect(stats).toMatchObject({ retried: 1, skipped: 0, written: 35 });
    // Ranked against the population of the rank pass, with its own numbers as now stored.
    const model = buildValueModel({
      length: population.length,
      orderCount: population.map((b) => b.orderCount), amount: population.map((b) => b.amount),
      profit: population.map((b) => b.profit), avgDaysLate: population.map((b) => b.avgDaysLate),
    }, policy);
    const now = (await store.get(idOf(5)))!;
    expect(now.orders.count).toBe(1 + (5 % 5) + 1);
    expect(now.value).toEqual(scoreBuyer(model, buyerNumbers(now.orders)));
  });

  it('runs as a value.score-all job on the value queue, and is scheduled nightly at 04:00 in the business time zone', async () => {
    const queue = new Queue<ValueJobData>(QUEUE_NAMES.value, { connection: redis, prefix });
    const connection = connectTestRedis();
    let worker: Worker | undefined;
    try {
      worker = createValueWorker({ connection, prefix, value: deps, log });
      void worker.run();
      await enqueueValueScoring(queue, 'value-manual-1');
      const job = await finished(queue, 'value-manual-1');
      expect(await job.getState()).toBe('completed');
      expect(job.returnvalue).toMatchObject({ contacts: N, buyers: 35, written: 35 });
      expect((await store.valueSummary())!.buyers).toBe(35);

      await syncQueueSchedules(queue, 'Asia/Shanghai');
      await syncQueueSchedules(queue, 'Asia/Shanghai');
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ pattern: VALUE_CRON, tz: 'Asia/Shanghai', name: VALUE_JOB_NAME });
      expect(VALUE_CRON).toBe('0 4 * * *');
      expect(await queue.getGlobalConcurrency()).toBe(1);
    } finally {
      await worker?.close();
      await queue.close();
      connection.disconnect();
    }
  });
});

async function finished(queue: Queue<ValueJobData>, id: string): Promise<Job<ValueJobData, ValueRunStats>> {
  return waitForJob<ValueJobData, ValueRunStats>(queue, id);
}
