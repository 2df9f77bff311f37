import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/adapters/redis/connections.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { CallbackIntake, IntakeUnavailableError } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const log = pino({ level: 'silent' });

function job(n: number): CallbackJobData {
  return {
    dedupeKey: `evt-test${n}`,
    receivedAt: Date.now(),
    event: { kind: 'external_contact', changeType: 'add_external_contact', userId: 'u1', externalUserId: `wm${n}`, toUserName: 'corp', fromUserName: 'sys', createTime: 1 },
  };
}

describe('CallbackIntake (real Redis)', () => {
  let prefix: string;
  let admin: Redis;
  let producer: Redis;
  let queue: Queue<CallbackJobData>;
  let spoolDir: string;
  let intake: CallbackIntake;

  beforeEach(async () => {
    prefix = uniquePrefix('intake');
    admin = connectTestRedis();
    producer = createRedis(testRedisUrl(), 'producer', log);
    await new Promise((r) => producer.once('ready', r));
    queue = new Queue(QUEUE_NAMES.callbacks, { connection: producer, prefix });
    spoolDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-'));
    intake = new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool: new Spool(spoolDir), log });
  });

  afterEach(async () => {
    await queue.close();
    producer.disconnect();
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
  });

  it('accepts an event once and calls the repeat a duplicate', async () => {
    expect(await intake.accept(job(1))).toBe('accepted');
    expect(await intake.accept(job(1))).toBe('duplicate');
    expect(await queue.getJobCounts('wait')).toEqual({ wait: 1 });
    expect((await queue.getJob('evt-test1'))?.data.event.kind).toBe('external_contact');
  });

  it('turns 20 concurrent copies of one event into one job and one "accepted"', async () => {
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => intake.accept(job(2))));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    expect((await queue.getJobCounts('wait')).wait).toBe(1);
  });

  it('spools when Redis is unreachable and replays in order, exactly once, when it is back', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer', log);
    const deadQueue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: deadRedis, prefix });
    deadQueue.on('error', () => undefined);
    const spool = new Spool<CallbackJobData>(spoolDir);
    const offline = new CallbackIntake({ queue: deadQueue, redis: deadRedis, keys: new RedisKeys(prefix), spool, log });
    expect(await offline.accept(job(3))).toBe('spooled');
    expect(await offline.accept(job(4))).toBe('spooled');
    expect(await offline.accept(job(3))).toBe('spooled'); // a WeCom retry during the outage
    expect(readFileSync(spool.file, 'utf8').trim().split('\n')).toHaveLength(3);
    // No seen key may exist for events that are not in the queue.
    expect(await admin.exists(new RedisKeys(prefix).callbackSeen('evt-test3'))).toBe(0);
    deadRedis.disconnect();
    await deadQueue.close().catch(() => undefined);

    const online = new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool, log });
    await online.replaySpool();
    expect(await spool.size()).toBe(0);
    const jobs = await queue.getJobs(['wait']);
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt-test3', 'evt-test4']);
    // Replaying the same records again (a crash before truncation) adds nothing.
    await spool.append(job(3));
    await online.replaySpool();
    expect((await queue.getJobCounts('wait')).wait).toBe(2);
  });

  it('answers unavailable when neither Redis nor the spool can take the event', async () => {
    const deadRedis = createRedis('redis://127.0.0.1:1', 'producer', log);
    const deadQueue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: deadRedis, prefix });
    deadQueue.on('error', () => undefined);
    const blocked = path.join(spoolDir, 'blocked');
    mkdirSync(path.join(blocked, 'callbacks.jsonl'), { recursive: true }); // a directory where the file should be
    const intakeNoDisk = new CallbackIntake({ queue: deadQueue, redis: deadRedis, keys: new RedisKeys(prefix), spool: new Spool(blocked), log });
    await expect(intakeNoDisk.accept(job(5))).rejects.toBeInstanceOf(IntakeUnavailableError);
    deadRedis.disconnect();
    await deadQueue.close().catch(() => undefined);
  });

  it('drops a torn last line (never fsync-acknowledged) and keeps the complete ones', async () => {
    const spool = new Spool<CallbackJobData>(spoolDir, 'torn.jsonl');
    await spool.append(job(6));
    writeFileSync(spool.file, readFileSync(spool.file, 'utf8') + '{"dedupeKey":"evt-torn', { flag: 'w' });
    const seen: string[] = [];
    await spool.replay(async (batch) => { seen.push(...batch.map((r) => r.dedupeKey)); });
    expect(seen).toEqual(['evt-test6']);
    expect(await spool.size()).toBe(0);
  });
});
