import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/connections.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES, type CallbackJobData } from '../../src/jobs/queues.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const log = pino({ level: 'silent' });

function event(n: number): CallbackJobData {
  return {
    dedupeKey: `evt-trim${n}`,
    receivedAt: Date.now(),
    event: { kind: 'external_contact', changeType: 'add_external_contact', userId: 'u1', externalUserId: `wm${n}`, toUserName: 'corp', fromUserName: 'sys', createTime: 1 },
  };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What BullMQ's count cap (removeOnComplete.count) does to the oldest completed jobs
 * (removeJobsByMaxCount: the job's keys go, its id leaves the completed set) without
 * queueing 100,000 jobs first.
 */
async function trimCompleted(admin: Redis, prefix: string): Promise<number> {
  const base = `${prefix}:${QUEUE_NAMES.callbacks}`;
  const ids = await admin.zrange(`${base}:completed`, 0, -1);
  for (const id of ids) await admin.del(`${base}:${id}`, `${base}:${id}:logs`);
  await admin.del(`${base}:completed`);
  return ids.length;
}

describe('callback dedupe after BullMQ trims the completed job', () => {
  let prefix: string;
  let admin: Redis;
  let producer: Redis;
  let queue: Queue<CallbackJobData>;
  let worker: Worker<CallbackJobData> | undefined;
  let intake: CallbackIntake;
  let spool: Spool<CallbackJobData>;
  const processed: string[] = [];

  beforeEach(async () => {
    prefix = uniquePrefix('dedupe');
    admin = connectTestRedis();
    producer = createRedis(testRedisUrl(), 'producer', log);
    await new Promise((r) => producer.once('ready', r));
    queue = new Queue(QUEUE_NAMES.callbacks, { connection: producer, prefix });
    spool = new Spool(mkdtempSync(path.join(os.tmpdir(), 'fenji-dedupe-')));
    intake = new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool, log, callbackMaxAgeSeconds: 300 });
    processed.length = 0;
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    await queue.close();
    producer.disconnect();
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
  });

  async function processAndTrim(): Promise<void> {
    worker = new Worker<CallbackJobData>(QUEUE_NAMES.callbacks, async (job) => { processed.push(job.data.dedupeKey); }, { connection: connectTestRedis(), prefix });
    await until(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= 1, 'the job to complete');
    await worker.close();
    worker = undefined;
    expect(await trimCompleted(admin, prefix)).toBe(1);
  }

  it('a resend inside the window makes no second job once the first was trimmed', async () => {
    expect(await intake.accept(event(1))).toBe('accepted');
    await processAndTrim();

    // WeCom resends the same callback (it never saw our 200) within WECOM_CALLBACK_MAX_AGE_S.
    expect(await intake.accept(event(1))).toBe('duplicate');
    expect(await queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
    expect(await queue.getJob('evt-trim1')).toBeUndefined();
  });

  it('a spooled copy replayed after the first was trimmed makes no second job', async () => {
    expect(await intake.accept(event(2))).toBe('accepted');
    await processAndTrim();
    await spool.append(event(2)); // the same event, answered from the spool during a blip
    await intake.replaySpool();
    expect(await spool.size()).toBe(0);
    expect(await queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
  });
});
