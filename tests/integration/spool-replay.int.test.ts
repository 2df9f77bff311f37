import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
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
const root = path.resolve(import.meta.dirname, '../..');

function event(key: string): CallbackJobData {
  return { dedupeKey: `evt-${key}`, receivedAt: Date.now(), event: { kind: 'unknown', msgType: 'event', toUserName: 'corp', fromUserName: 'sys', createTime: 1 } };
}

/** `count` events in order, every tenth one spooled twice (a WeCom retry during the outage). */
function outageEvents(count: number): { spooled: CallbackJobData[]; unique: string[] } {
  const spooled: CallbackJobData[] = [];
  const unique: string[] = [];
  for (let n = 0; n < count; n++) {
    spooled.push(event(`spooled${n}`));
    unique.push(`evt-spooled${n}`);
    if (n % 10 === 9) spooled.push(event(`spooled${n - 5}`));
  }
  return { spooled, unique };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('spool replay (real Redis)', () => {
  let prefix: string;
  let admin: Redis;
  let producer: Redis;
  let queue: Queue<CallbackJobData>;
  let spoolDir: string;

  beforeEach(async () => {
    prefix = uniquePrefix('replay');
    admin = connectTestRedis();
    producer = createRedis(testRedisUrl(), 'producer', log);
    await new Promise((r) => producer.once('ready', r));
    queue = new Queue(QUEUE_NAMES.callbacks, { connection: producer, prefix });
    spoolDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-replay-'));
  });

  afterEach(async () => {
    await queue.close();
    producer.disconnect();
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
  });

  const newIntake = (spool: Spool<CallbackJobData>) => new CallbackIntake({ queue, redis: producer, keys: new RedisKeys(prefix), spool, log });
  /** Job ids in the order they were queued (BullMQ pushes on the left of `wait`). */
  const queuedInOrder = async () => (await admin.lrange(`${prefix}:${QUEUE_NAMES.callbacks}:wait`, 0, -1)).reverse();

  it('takes a new callback straight to the queue while an old spool is replaying', async () => {
    const spool = new Spool<CallbackJobData>(spoolDir);
    const { spooled, unique } = outageEvents(20_000);
    await Promise.all(spooled.map((e) => spool.append(e)));
    const intake = newIntake(spool);

    const replay = intake.replaySpool();
    await until(async () => ((await queue.getJobCounts('wait')).wait ?? 0) > 0, 'the replay to start');
    expect(await intake.accept(event('live'))).toBe('accepted');
    await replay;

    expect(await spool.size()).toBe(0);
    const queued = await queuedInOrder();
    expect(queued).toHaveLength(unique.length + 1);
    expect(queued.filter((id) => id !== 'evt-live')).toEqual(unique);
  });

  it('replays in order, each event once, after a crash mid-replay', async () => {
    const spool = new Spool<CallbackJobData>(spoolDir);
    const { spooled, unique } = outageEvents(3000);
    await Promise.all(spooled.map((e) => spool.append(e)));
    const bytes = await spool.size();

    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/replay-until-killed.ts', testRedisUrl(), prefix, spoolDir, '1000'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, s) => resolve(s)));
    expect(signal).toBe('SIGKILL');
    const before = await queuedInOrder();
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(unique.length);
    expect(await spool.size()).toBe(bytes); // nothing truncated before it was all in Redis

    // Fenji restarts and replays the same file: what the dead process queued is deduped.
    await newIntake(new Spool<CallbackJobData>(spoolDir)).replaySpool();
    expect(await spool.size()).toBe(0);
    expect(await queuedInOrder()).toEqual(unique);
  });
});
