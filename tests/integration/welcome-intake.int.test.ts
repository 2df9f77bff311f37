import { Queue } from 'bullmq';
import pino from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import type { CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { welcomeJobId, type WelcomeJobData } from '../../src/jobs/welcome/job.ts';
import { callbackJob, contactEvent } from '../helpers/factories.ts';
import { startIntakeFixture, type IntakeFixture } from '../helpers/intake-fixture.ts';

let f: IntakeFixture;
let welcome: Queue<WelcomeJobData>;
let intake: CallbackIntake;
beforeEach(async () => {
  f = await startIntakeFixture('welcome-intake');
  welcome = new Queue<WelcomeJobData>(QUEUE_NAMES.welcome, { connection: f.producer, prefix: f.prefix });
  intake = new CallbackIntake({ queue: f.queue, welcome, redis: f.producer, keys: new RedisKeys(f.prefix), spool: new Spool<CallbackJobData>(f.spoolDir), log: pino({ level: 'silent' }) });
});
afterEach(async () => {
  await welcome.close();
  await f.close();
});

const RECEIVED = Date.UTC(2026, 8, 25, 2);
const add = (key: string, code?: string) =>
  callbackJob(key, contactEvent('add_external_contact', 'zhangwei', `wm-${key}`, { createTime: RECEIVED / 1000, state: 'booth-3', ...(code ? { welcomeCode: code } : {}) }), RECEIVED);

it('queues one welcome per WelcomeCode, live or replayed from the spool, and none for an add without a code', async () => {
  expect(await intake.enqueue(add('live', 'code-live'))).toBe('accepted');
  // Spooled during an outage: the same live event again, an event with another dedupe key
  // carrying the same code, a new add with a code and one without.
  const spool = new Spool<CallbackJobData>(f.spoolDir);
  for (const job of [add('live', 'code-live'), add('live-again', 'code-live'), add('spooled', 'code-spooled'), add('no-code')]) await spool.append(job);
  await intake.replaySpool();

  const jobs = await welcome.getJobs(['waiting']);
  expect(jobs.map((j) => j.id).sort()).toEqual([welcomeJobId('code-live'), welcomeJobId('code-spooled')].sort());
  expect(jobs.find((j) => j.id === welcomeJobId('code-spooled'))!.data).toEqual({
    welcomeCode: 'code-spooled', state: 'booth-3', userId: 'zhangwei', externalUserId: 'wm-spooled', addedAt: RECEIVED,
  });
  // Every callback still got its own job (the welcome is queued beside it, not instead of it).
  expect((await f.queue.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual(['live', 'live-again', 'no-code', 'spooled']);
});
