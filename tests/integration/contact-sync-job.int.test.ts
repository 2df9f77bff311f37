import { Queue, type Job, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactSyncProgress } from '../../src/jobs/contacts-sync/progress.ts';
import { CONTACT_SYNC_CRON } from '../../src/jobs/contacts-sync/job.ts';
import { createContactSyncWorker, enqueueContactSync } from '../../src/jobs/contacts-sync/worker.ts';
import { syncQueueSchedules } from '../../src/jobs/scheduler.ts';
import { CONTACT_SYNC_JOB_NAME, type ContactSyncJobData } from '../../src/jobs/contacts-sync/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { connectTestRedis } from '../helpers/redis.ts';
import { BATCH_PATH, createSyncWorld, type SyncWorld } from './contact-sync.fixture.ts';
import { waitForJob } from '../helpers/wait-for.ts';

const log = pino({ level: 'silent' });

describe('contacts.sync as a BullMQ job (sandbox, real Redis)', () => {
  let w: SyncWorld;
  let queue: Queue<ContactSyncJobData>;
  let connection: Redis;
  let worker: Worker | undefined;
  /** Calls batch/get_by_user has seen; `onCall` may inject a fault before the nth. */
  let onCall: (n: number) => void;

  beforeEach(async () => {
    w = await createSyncWorld('syncjob', 120);
    queue = new Queue<ContactSyncJobData>(QUEUE_NAMES.contacts, { connection: w.redis, prefix: w.prefix });
    connection = connectTestRedis();
    onCall = () => undefined;
  });

  afterEach(async () => {
    await worker?.close();
    await queue.close();
    connection.disconnect();
    await w.close();
  });

  function startWorker(): void {
    let calls = 0;
    const api = w.deps.api;
    const sync = { ...w.deps, api: {
      getFollowUserList: () => api.getFollowUserList(),
      batchGetByUser: (req: Parameters<typeof api.batchGetByUser>[0]) => {
        onCall(++calls);
        return api.batchGetByUser(req);
      },
    } };
    worker = createContactSyncWorker({ connection, prefix: w.prefix, sync, log });
    void worker.run();
  }

  async function finished(id: string): Promise<Job<ContactSyncJobData, ContactSyncProgress>> {
    return waitForJob<ContactSyncJobData, ContactSyncProgress>(queue, id);
  }

  it('retries a failed attempt from the saved cursor, not from the start', async () => {
    onCall = (n) => n === 2 && w.sandbox.faults.failNext(4, -1, { path: BATCH_PATH });
    startWorker();
    await enqueueContactSync(queue, 'sync-retry', { backoff: { type: 'fixed', delay: 50 } });
    const job = await finished('sync-retry');

    expect(job.returnvalue).toMatchObject({ phase: 'done', pairs: w.wecomPairs().length, contacts: 120 });
    expect(job.attemptsMade).toBe(2);
    expect(await w.storedPairs()).toEqual(w.wecomPairs());
    const answered = w.sandbox.calls.list({ path: BATCH_PATH, errcode: 0 });
    // Page 1 was read once: the second attempt started from its saved cursor.
    expect(answered.filter((c) => (c.body as { cursor: string }).cursor === '')).toHaveLength(1);
    expect(answered).toHaveLength(Math.ceil(w.wecomPairs().length / 100));
    expect(w.sandbox.calls.list({ path: BATCH_PATH, errcode: -1 })).toHaveLength(4);
  });

  it('waits out a WeCom rate limit (45009) without spending an attempt, then finishes', async () => {
    onCall = (n) => n === 2 && w.sandbox.faults.failNext(1, 45009, { path: BATCH_PATH });
    startWorker();
    await enqueueContactSync(queue, 'sync-limited', { attempts: 1 });
    const job = await finished('sync-limited');

    expect(await job.getState()).toBe('completed');
    expect(w.sandbox.calls.list({ path: BATCH_PATH, errcode: 45009 })).toHaveLength(1);
    expect(await w.storedPairs()).toEqual(w.wecomPairs());
  });

  it('is scheduled nightly at 02:30 in the business time zone', async () => {
    await syncQueueSchedules(queue, 'Asia/Shanghai');
    await syncQueueSchedules(queue, 'Asia/Shanghai');
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ pattern: CONTACT_SYNC_CRON, tz: 'Asia/Shanghai', name: CONTACT_SYNC_JOB_NAME });
    expect(CONTACT_SYNC_CRON).toBe('30 2 * * *');
  });
});
