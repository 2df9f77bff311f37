import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { startIntakeFixture, until, type IntakeFixture } from '../helpers/intake-fixture.ts';
import { connectTestRedis } from '../helpers/redis.ts';

function event(n: number): CallbackJobData {
  return {
    dedupeKey: `evt-trim${n}`,
    receivedAt: Date.now(),
    event: { kind: 'external_contact', changeType: 'add_external_contact', userId: 'u1', externalUserId: `wm${n}`, toUserName: 'corp', fromUserName: 'sys', createTime: 1 },
  };
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
  let f: IntakeFixture;
  let spool: Spool<CallbackJobData>;
  let intake: CallbackIntake;

  beforeEach(async () => {
    f = await startIntakeFixture('dedupe');
    spool = new Spool(f.spoolDir);
    intake = f.intake(spool, 300);
  });

  afterEach(() => f.close());

  async function processAndTrim(): Promise<void> {
    const connection = connectTestRedis();
    const worker = new Worker<CallbackJobData>(QUEUE_NAMES.callbacks, async () => undefined, { connection, prefix: f.prefix });
    try {
      await until(async () => ((await f.queue.getJobCounts('completed')).completed ?? 0) >= 1, 'the job to complete');
    } finally {
      await worker.close();
      connection.disconnect();
    }
    expect(await trimCompleted(f.admin, f.prefix)).toBe(1);
  }

  it('a resend inside the window makes no second job once the first was trimmed', async () => {
    expect(await intake.accept(event(1))).toBe('accepted');
    await processAndTrim();

    // WeCom resends the same callback (it never saw our 200) within WECOM_CALLBACK_MAX_AGE_S.
    expect(await intake.accept(event(1))).toBe('duplicate');
    expect(await f.queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
    expect(await f.queue.getJob('evt-trim1')).toBeUndefined();
  });

  it('a spooled copy replayed after the first was trimmed makes no second job', async () => {
    expect(await intake.accept(event(2))).toBe('accepted');
    await processAndTrim();
    await spool.append(event(2)); // the same event, answered from the spool during a blip
    await intake.replaySpool();
    expect(await spool.size()).toBe(0);
    expect(await f.queue.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
  });
});
