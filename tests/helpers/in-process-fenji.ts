import { afterAll, beforeAll, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { createContainer, type Container } from '../../src/container.ts';
import { createApp } from '../../src/http/app.ts';
import { OUTREACH_PLAN_JOB_NAME } from '../../src/jobs/outreach/job.ts';
import { TIERS_DUE_JOB_NAME } from '../../src/jobs/tiers/job.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { promoteDueResultChecks } from './follow-up-results.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from './redis.ts';
import { TEST_TIERS_FILE } from './tier-rules.ts';
import { redisReady, waitForQueuesIdle, workersRunning } from './wait-for.ts';

/** A clock the test moves by hand; Fenji, its WeCom client and the sandbox all read it. */
export interface FakeClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function fakeClock(start: number): FakeClock {
  let now = start;
  return { now: () => now, set: (ms) => void (now = ms), advance: (ms) => void (now += ms) };
}

/**
 * A fake clock that also runs: from `start` it moves with the wall clock (so the sandbox's
 * timed faults, such as a storm of so many ms, end by themselves); set/advance jump it.
 */
export function tickingClock(start: number): FakeClock {
  let offset = start - Date.now();
  return { now: () => Date.now() + offset, set: (ms) => void (offset = ms - Date.now()), advance: (ms) => void (offset += ms) };
}

export const API_TOKEN = 'story-token-0123456789abcdef';

/**
 * Fenji's web and worker roles in this process (container, Koa app, workers) against the
 * WeCom sandbox, on the harness's Redis under a private prefix, with a fake clock.
 * Returned once its Redis connections are ready and its workers run.
 */
export interface InProcessFenji {
  url: string;
  /** Its Redis key prefix (a second process joins it with `join`). */
  prefix: string;
  sandbox: Sandbox;
  container: Container;
  clock: FakeClock;
  /**
   * Waits until the spool is empty and no queue (but those in `skip`) has a job waiting,
   * delayed or running, chained jobs included; follow-up read-backs waiting for a later
   * check do not count.
   */
  settled(options?: { skip?: string[]; timeoutMs?: number }): Promise<void>;
  /** Runs one due re-evaluation job (what the every-minute scheduler does) and waits for everything it caused. */
  runDueJob(): Promise<void>;
  /** Runs one outreach planning job (what the 15-minute scheduler does) and waits for the sends it queued. */
  runFollowUpPlan(): Promise<void>;
  /** Runs the outreach read-backs (outreach.result) due by the fake clock, whatever their BullMQ delay, and waits for them. */
  runFollowUpResults(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `join`: a second Fenji process (a second container) on the first one's Redis prefix and
 * sandbox: same queues, ledger and store; WeCom keeps calling back the first one. Closing it
 * leaves the first one's sandbox and keys alone.
 */
export async function startInProcessFenji(options: { clock: FakeClock; redisUrl?: string; env?: Record<string, string>; join?: InProcessFenji }): Promise<InProcessFenji> {
  const { clock, join } = options;
  const log = pino({ level: process.env['FENJI_TEST_LOG'] ?? 'silent' });
  const sandbox = join?.sandbox ?? await startSandbox({ clock });
  const prefix = join?.prefix ?? uniquePrefix('story');
  const config = loadConfig({
    REDIS_URL: options.redisUrl ?? testRedisUrl(),
    REDIS_KEY_PREFIX: prefix,
    REDIS_AUTOSTART: 'never',
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'fenji-story-')),
    WECOM_API_BASE: sandbox.url,
    FENJI_API_TOKENS: `story:${API_TOKEN}`,
    FENJI_TIERS_FILE: TEST_TIERS_FILE,
    ...options.env,
  });
  const container = createContainer(config, log, clock);
  const workers = container.startWorkers();
  // Started means ready: a callback posted before ioredis is ready would be spooled (the
  // intake fails fast rather than wait) and the test would look at a Fenji that never saw it.
  await redisReady(container.producer);
  await Promise.all(Object.values(container.queues).map((q) => q.waitUntilReady()));
  await workersRunning(workers);
  const app = createApp({
    log,
    callback: {
      secrets: { token: config.wecom.token, aes: decodeAESKey(config.wecom.encodingAESKey), corpId: config.wecom.corpId, maxAgeSeconds: config.callback.maxAgeSeconds },
      maxBodyBytes: config.callback.maxBodyBytes,
      intake: container.intake, metrics: container.metrics, clock, log,
    },
    health: { redis: container.producer, queues: Object.values(container.queues), intake: container.intake, metrics: container.metrics, probeKey: container.keys.readinessProbe() },
    api: {
      store: container.store, policy: container.policies.tiers, timeZone: config.timezone, clock, tokens: config.api.tokens,
      onTierChanges: container.onTierChanges, log,
    },
    ...(config.aibot ? {
      aibot: {
        secrets: { token: config.aibot.token, aes: decodeAESKey(config.aibot.encodingAESKey), maxAgeSeconds: config.callback.maxAgeSeconds },
        maxBodyBytes: config.callback.maxBodyBytes,
        enqueue: (data, jobId) => container.enqueueAibotCommand(data, jobId),
        clock, log,
      },
    } : {}),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!join) sandbox.setCallbackUrl(`${url}/wecom/callback`);
  if (!join && config.aibot) sandbox.setAibotCallbackUrl(`${url}/wecom/aibot`);

  async function settled({ skip = [], timeoutMs = 15_000 }: { skip?: string[]; timeoutMs?: number } = {}): Promise<void> {
    const queues = Object.values(container.queues).filter((q) => !skip.includes(q.name));
    // Events in the spool are accepted but not yet queued: not settled. Replay them as
    // main's timer does every second (the intake makes the replay single-flight).
    const spooled = async () => {
      const bytes = await container.intake.spooledBytes();
      if (bytes > 0) void container.intake.replaySpool();
      return { spooledBytes: bytes };
    };
    await waitForQueuesIdle(queues, { timeoutMs, alsoBusy: spooled }).catch((err: Error) => {
      throw new Error(`Fenji still busy after ${timeoutMs} ms: ${err.message}`);
    });
  }

  return {
    url, prefix, sandbox, container, clock, settled,
    async runDueJob() {
      await container.queues.tiers.add(TIERS_DUE_JOB_NAME, {});
      await settled();
    },
    async runFollowUpPlan() {
      await container.queues.outreach.add(OUTREACH_PLAN_JOB_NAME, {});
      await settled();
    },
    async runFollowUpResults() {
      await promoteDueResultChecks(container.queues.outreach, clock.now());
      await settled();
    },
    async close() {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      await container.close();
      if (join) return;
      await sandbox.close();
      const redis = connectTestRedis();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/**
 * A story test's Fenji: started before the file's tests, with one rep and a kf account in
 * the sandbox, and closed after them. `use` receives it once it runs.
 */
export function useStoryFenji(opts: { name: string; start: number; rep: { userid: string; name: string } }, use: (fenji: InProcessFenji) => void): void {
  let fenji: InProcessFenji | undefined;
  const started = Date.now();
  beforeAll(async () => {
    fenji = await startInProcessFenji({ clock: fakeClock(opts.start) });
    fenji.sandbox.state.seed({ reps: [opts.rep], kfAccounts: [{ name: '分级客服' }] });
    use(fenji);
  });
  afterAll(async () => {
    await fenji?.close();
    console.info(`${opts.name}: ${Date.now() - started} ms`);
  });
}

/**
 * Plays a sandbox control action (most post a callback to Fenji, as WeCom would), checks
 * that it was delivered, and waits until Fenji has processed everything it caused
 * (except the queues named in `skip`). Returns the sandbox's answer.
 */
export async function playSandbox(fenji: InProcessFenji, action: string, body: object, skip: string[] = []): Promise<unknown> {
  const res = await fetch(`${fenji.sandbox.url}/_sandbox/${action}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status, `${action}: ${await res.clone().text()}`).toBe(200);
  const answer = (await res.json()) as { delivery?: { ok: boolean } | null };
  if (answer.delivery !== undefined) expect(answer.delivery?.ok, `${action} callback delivered`).toBe(true);
  await fenji.settled({ skip });
  return answer;
}
