import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisTierBatches } from '../../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { testPolicies } from '../helpers/tier-rules.ts';
import type { TierChange } from '../../src/domain/ports.ts';
import { DAY_MS } from '../../src/domain/tiers/policy.ts';
import { reevaluateTier } from '../../src/domain/tiers/reevaluate-tier.ts';
import { runDueTiers, runRecomputeAll, type RecomputeJobData, type ScheduledTierDeps } from '../../src/jobs/tiers/scheduled-tiers.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { TIER_TAG_JOB_NAME, type TierTagJobData } from '../../src/jobs/tier-tags/job.ts';
import { TIERS_DUE_JOB_NAME, TIERS_RECOMPUTE_JOB_NAME } from '../../src/jobs/tiers/job.ts';
import { RECOMPUTE_CRON } from '../../src/jobs/tiers/job.ts';
import { syncQueueSchedules } from '../../src/jobs/scheduler.ts';
import { tierTagEnqueuer } from '../../src/jobs/tier-tags/enqueue-tier-tags.ts';
import { createTierWorkers } from '../../src/jobs/tiers/worker.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForJob } from '../helpers/wait-for.ts';

const { tiers: policy } = testPolicies;
const TZ = 'Asia/Shanghai';
const T0 = Date.UTC(2025, 10, 1, 2);
const log = pino({ level: 'silent' });

describe('scheduled tier jobs: due re-evaluation and resumable recompute (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;
  let deps: ScheduledTierDeps;
  let changes: TierChange[];
  let now: number;
  const closers: (() => Promise<unknown>)[] = [];

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('sched');
    const keys = new RedisKeys(prefix);
    store = new RedisContactStore({ redis, keys });
    changes = [];
    now = T0;
    deps = {
      batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone: TZ,
      clock: { now: () => now }, onChanges: async (c) => void changes.push(...c),
    };
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  /** `count` contacts added at T0 and tiered then (C, due when "added recently" runs out). */
  async function addedAtT0(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, (_, i) => `wm${String(i).padStart(3, '0')}`);
    for (const id of ids) {
      await store.upsertContact({ externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: T0, updatedAt: T0,
        follows: [{ userId: 'rep', addedAt: T0, tagIds: [], status: 'active', changedAt: T0 }] });
      await reevaluateTier(deps, id, T0);
    }
    return ids;
  }

  /** The tier tags as WeCom would have them (the outbound worker, which would call WeCom, is not started). */
  const catalog = { ids: async () => ({ groupId: 'g', tags: { A: 'tA', B: 'tB', C: 'tC', D: 'tD' } }), refresh: async () => catalog.ids() };

  /** Runs one job through the tiers worker (the outbound worker is not started) and returns its result. */
  async function runTiersJob(tiers: Queue, outbound: Queue<TierTagJobData>, name: string, tierDeps: ScheduledTierDeps): Promise<unknown> {
    const connection = connectTestRedis();
    const workers: Worker[] = createTierWorkers({
      connection, prefix, log, outboundQueue: outbound, tiers: tierDeps,
      mirror: { store, catalog, api: { markTag: async () => undefined }, lock: { tryWith: async () => ({ held: false }) } },
      tagRepair: { records: (ids) => store.getMany(ids), enqueue: tierTagEnqueuer(outbound) },
    });
    closers.push(async () => {
      await Promise.all(workers.map((w) => w.close(true)));
      connection.disconnect();
    });
    void workers[0]!.run();
    const job = await tiers.add(name, {});
    return (await waitForJob(tiers, job.id!)).returnvalue;
  }

  it('moves due contacts down with no new fact, and reports the changes', async () => {
    const ids = await addedAtT0(7);
    now = T0 + 10 * DAY_MS;
    expect(await runDueTiers(deps)).toMatchObject({ due: 0, changed: 0 });

    now = T0 + 60 * DAY_MS;
    const stats = await runDueTiers(deps, 3);
    expect(stats).toMatchObject({ due: 7, changed: 7, batches: 3 });
    expect(changes.map((c) => [c.externalUserId, c.from, c.to])).toEqual(expect.arrayContaining(ids.map((id) => [id, 'C', 'D'])));
    for (const id of ids) expect((await store.get(id))!.tier!.tier).toBe('D');
    expect(await store.due(now, 10)).toEqual([]);
  });

  it('resumes a recompute that died mid-way from its saved cursor, with the same now', async () => {
    await addedAtT0(20);
    let data: RecomputeJobData = {};
    let progress: unknown = 0;
    let saves = 0;
    const job = {
      get data() { return data; },
      get progress() { return progress as number; },
      updateData: async (d: RecomputeJobData) => void (data = d),
      updateProgress: async (p: unknown) => {
        if (++saves === 3) throw new Error('worker died');
        progress = p;
      },
    };
    now = T0 + 60 * DAY_MS;
    await expect(runRecomputeAll(deps, job, 5)).rejects.toThrow('worker died');
    expect(data.now).toBe(T0 + 60 * DAY_MS);
    expect(progress).toMatchObject({ scanned: 10 });

    now = T0 + 61 * DAY_MS;
    const stats = await runRecomputeAll(deps, job, 5);
    // 10 saved + the 5 still in C after the saved cursor; starting over would scan 10 + 20.
    expect(stats).toMatchObject({ scanned: 15 });
    expect(new Set(changes.map((c) => c.externalUserId)).size).toBe(20);
    expect(changes.every((c) => c.to === 'D' && c.at === T0 + 60 * DAY_MS)).toBe(true);
    // Finished: a further retry of the same job does no work.
    expect(await runRecomputeAll(deps, job, 5)).toMatchObject({ cursor: null });
    expect(changes).toHaveLength(20);
  });

  it('upserts the schedules once (every minute; nightly in the business time zone) and runs due jobs one at a time', async () => {
    const tiers = new Queue(QUEUE_NAMES.tiers, { connection: redis, prefix });
    const outbound = new Queue<TierTagJobData>(QUEUE_NAMES.wecomOutbound, { connection: redis, prefix });
    closers.push(() => tiers.close(), () => outbound.close());
    await syncQueueSchedules(tiers, TZ);
    await syncQueueSchedules(tiers, TZ);
    const schedulers = await tiers.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every ?? s.pattern, s.tz ?? null]).sort()).toEqual([
      ['tiers-due', 60_000, null],
      ['tiers-recompute', RECOMPUTE_CRON, TZ],
    ]);
    expect(await tiers.getGlobalConcurrency()).toBe(1);

    // A due job through the worker: its changes become tier.tag jobs.
    await tiers.removeJobScheduler('tiers-due');
    await tiers.removeJobScheduler('tiers-recompute');
    await tiers.drain(true);
    await addedAtT0(3);
    now = T0 + 60 * DAY_MS;
    expect(await runTiersJob(tiers, outbound, TIERS_DUE_JOB_NAME, { ...deps, onChanges: tierTagEnqueuer(outbound) })).toMatchObject({ due: 3, changed: 3 });
    const tagJobs = await outbound.getJobs(['wait']);
    expect(tagJobs.map((j) => [j.data.externalUserId, j.data.tier]).sort()).toEqual([['wm000', 'D'], ['wm001', 'D'], ['wm002', 'D']]);
    expect(await outbound.getGlobalConcurrency()).toBe(5);
  });

  it('the nightly recompute job then gives failed tier.tag jobs another round', async () => {
    const tiers = new Queue(QUEUE_NAMES.tiers, { connection: redis, prefix });
    const outbound = new Queue<TierTagJobData>(QUEUE_NAMES.wecomOutbound, { connection: redis, prefix });
    closers.push(() => tiers.close(), () => outbound.close());
    // A tier.tag job that failed for good (as after a WeCom outage longer than its retries).
    await outbound.add(TIER_TAG_JOB_NAME, { externalUserId: 'wm000', tier: 'D', at: T0 }, { attempts: 1, jobId: 'tag-dead' });
    const failingConnection = connectTestRedis();
    const failing = new Worker(QUEUE_NAMES.wecomOutbound, async () => {
      throw new Error('WeCom unreachable');
    }, { connection: failingConnection, prefix });
    await new Promise((resolve) => failing.once('failed', resolve));
    await failing.close();
    failingConnection.disconnect();
    expect(await outbound.getJobState('tag-dead')).toBe('failed');

    await addedAtT0(2);
    expect(await runTiersJob(tiers, outbound, TIERS_RECOMPUTE_JOB_NAME, deps)).toMatchObject({ scanned: 2, tagJobsRetried: 1 });
    expect(await outbound.getJobState('tag-dead')).toBe('waiting');
  });
});
