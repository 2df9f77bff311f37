import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegisteredWorkers } from '../../src/jobs/queue-worker.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import type { JobContext } from '../../src/jobs/registry.ts';
import { syncQueueSchedules } from '../../src/jobs/scheduler.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { waitForJob } from '../helpers/wait-for.ts';

const log = pino({ level: 'silent' });

describe('job registry (real Redis)', () => {
  let redis: Redis;
  let workerRedis: Redis;
  let prefix: string;
  let queues: Queue[] = [];
  let workers: Worker[] = [];

  beforeEach(() => {
    redis = connectTestRedis();
    workerRedis = connectTestRedis();
    prefix = uniquePrefix('registry');
  });

  afterEach(async () => {
    for (const w of workers) await w.close();
    for (const q of queues) await q.close();
    workers = [];
    queues = [];
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
    workerRedis.disconnect();
  });

  function queue(name: string): Queue {
    const q = new Queue(name, { connection: redis, prefix });
    queues.push(q);
    return q;
  }

  it('removes at start a job scheduler the registry no longer lists, and keeps the listed ones', async () => {
    const tiers = queue(QUEUE_NAMES.tiers);
    await tiers.upsertJobScheduler('tiers-retired', { every: 60_000 }, { name: 'tiers.retired' });

    expect(await syncQueueSchedules(tiers, 'Asia/Shanghai')).toEqual(['tiers-retired']);

    const ids = (await tiers.getJobSchedulers()).map((s) => s.key).sort();
    expect(ids).toEqual(['tiers-due', 'tiers-recompute']);
    // Its next run, already queued as a delayed job, went with it.
    expect((await tiers.getDelayed()).map((j) => j.name)).not.toContain('tiers.retired');
  });

  it('fails a job with an unknown name once, never retrying it', async () => {
    const callbacks = queue(QUEUE_NAMES.callbacks);
    // No job here reaches a handler: an empty context is enough.
    workers = createRegisteredWorkers({} as JobContext, { connection: workerRedis, prefix, log });
    for (const w of workers) void w.run();
    await callbacks.add('callback.renamed', {}, { jobId: 'unknown-1', attempts: 3, backoff: { type: 'fixed', delay: 10 } });

    const job = await waitForJob(callbacks, 'unknown-1');
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('callback.renamed');
  });

  it('lets outreach plans and sends run again after several crashes of their worker; other queues keep BullMQ\'s one', () => {
    workers = createRegisteredWorkers({} as JobContext, { connection: workerRedis, prefix, log });
    const stalls = Object.fromEntries(workers.map((w) => [w.name, w.opts.maxStalledCount]));
    expect(stalls[QUEUE_NAMES.outreach]).toBeGreaterThanOrEqual(3);
    expect(stalls[QUEUE_NAMES.outreachSends]).toBeGreaterThanOrEqual(3);
    expect(stalls[QUEUE_NAMES.callbacks]).toBe(1);
  });
});
