import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { createRedis } from '../../src/adapters/redis/connections.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

/** A callback queue under its own prefix, a producer connection like Fenji's, and a spool directory. */
export interface IntakeFixture {
  prefix: string;
  admin: Redis;
  producer: Redis;
  queue: Queue<CallbackJobData>;
  spoolDir: string;
  /** An intake as Fenji builds it, on this queue and the given spool (a fresh one by default). */
  intake(spool?: Spool<CallbackJobData>, callbackMaxAgeSeconds?: number): CallbackIntake;
  /** Job ids in the order they were queued (BullMQ pushes on the left of `wait`). */
  queuedInOrder(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startIntakeFixture(label: string): Promise<IntakeFixture> {
  const log = pino({ level: 'silent' });
  const prefix = uniquePrefix(label);
  const admin = connectTestRedis();
  const producer = createRedis(testRedisUrl(), 'producer', log);
  await new Promise((r) => producer.once('ready', r));
  const queue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: producer, prefix });
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), `fenji-${label}-`));
  return {
    prefix, admin, producer, queue, spoolDir,
    intake: (spool = new Spool<CallbackJobData>(spoolDir), callbackMaxAgeSeconds) =>
      new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool, log, ...(callbackMaxAgeSeconds === undefined ? {} : { callbackMaxAgeSeconds }) }),
    queuedInOrder: async () => (await admin.lrange(`${prefix}:${QUEUE_NAMES.callbacks}:wait`, 0, -1)).reverse(),
    async close() {
      await queue.close();
      producer.disconnect();
      await deleteByPrefix(admin, prefix);
      admin.disconnect();
    },
  };
}

/** Polls `check` until it holds, failing after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
