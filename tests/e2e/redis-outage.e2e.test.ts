import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { addExternalContactXml } from '../../src/wecom/callback-xml.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { expectedJobId, postSealed, sealForSandbox } from '../helpers/post-callback.ts';
import { waitFor as pollUntil } from '../helpers/wait-for.ts';

/**
 * Redis dies mid-stream, stays away longer than WeCom's whole retry window (3 retries,
 * ~20-30 s), and comes back on its AOF. Every event Fenji answered 200 must end up as
 * exactly one job, and the worker must resume by itself.
 */
const OUTAGE_MS = Number(process.env['FENJI_E2E_OUTAGE_MS'] ?? 32_000);
const prefix = 'outage';

describe('a Redis outage', () => {
  // Fenji processes stop before the Redis servers they use.
  const cleanups: (() => Promise<unknown>)[] = [];
  const redisCleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of [...cleanups.splice(0).reverse(), ...redisCleanups.splice(0)]) await c().catch(() => undefined);
  });

  async function privateRedis(dir: string, port?: number): Promise<LocalRedis> {
    const redis = await startLocalRedis({ dir, ...(port ? { port } : {}) });
    redisCleanups.push(() => redis.stop('SIGKILL'));
    return redis;
  }

  let counter = 0;
  function nextEvent(): { xml: string; id: string } {
    const xml = addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: `wmOutage${counter++}`, createTime: Math.floor(Date.now() / 1000) });
    return { xml, id: expectedJobId(xml) };
  }

  /** Posts events back to back (each once, plus one duplicate of each) until `stop()`. */
  function stream(fenji: FenjiProcess, answered: Set<string>, refused: string[]) {
    let running = true;
    const done = (async () => {
      while (running) {
        const { xml, id } = nextEvent();
        const sealed = sealForSandbox(xml);
        const [first, retry] = await Promise.all([postSealed(fenji.url, sealed), postSealed(fenji.url, sealed)]);
        if (first === 200 || retry === 200) answered.add(id);
        else refused.push(`${id}:${first}/${retry}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return async () => { running = false; await done; };
  }

  async function jobIds(url: string): Promise<string[]> {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('callbacks', { connection, prefix });
    try {
      const jobs = await queue.getJobs(['completed', 'wait', 'active', 'delayed', 'failed', 'prioritized']);
      return jobs.map((j) => j.id!);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  async function completedCount(url: string): Promise<number> {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const queue = new Queue('callbacks', { connection, prefix });
    try {
      return await queue.getCompletedCount();
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    await pollUntil(check, 'condition not met', { timeoutMs, intervalMs: 250 });
  }

  it('loses no answered event when Redis is SIGKILLed for longer than WeCom retries, and workers resume', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-outage-'));
    let redis = await privateRedis(path.join(dir, 'redis'));
    const fenji = await startFenji({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, DATA_DIR: path.join(dir, 'data'), REDIS_AUTOSTART: 'never' } });
    cleanups.push(() => fenji.stop());

    const answered = new Set<string>();
    const refused: string[] = [];
    const stop = stream(fenji, answered, refused);
    await new Promise((r) => setTimeout(r, 1500));
    await redis.stop('SIGKILL');
    const beforeOutage = answered.size;
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const duringOutage = answered.size - beforeOutage;
    redis = await privateRedis(redis.dir, redis.port);
    await new Promise((r) => setTimeout(r, 3000));
    await stop();

    expect(refused).toEqual([]);
    expect(duringOutage).toBeGreaterThan(OUTAGE_MS / 1000); // events kept flowing into the spool
    await waitFor(async () => (await completedCount(redis.url)) >= answered.size, 60_000);
    const ids = await jobIds(redis.url);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...answered].sort());
    expect(fenji.logs.some((l) => l['msg'] === 'spool replayed into the queue')).toBe(true);
    if (process.env['FENJI_E2E_DEBUG']) console.log(fenji.logs.filter((l) => l['msg'] !== 'worker error').map((l) => `${l['time']} ${l['msg']} ${JSON.stringify(l['err'] ?? '')}`).join('\n'));
  });

  it('replays the spool after Fenji itself is killed during the outage', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fenji-outage-'));
    const dataDir = path.join(dir, 'data');
    const redis = await privateRedis(path.join(dir, 'redis'));
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir, REDIS_AUTOSTART: 'never' };
    const first = await startFenji({ env });
    cleanups.push(() => first.stop());
    await redis.stop('SIGKILL');

    const answered: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { xml, id } = nextEvent();
      expect(await postSealed(first.url, sealForSandbox(xml))).toBe(200);
      answered.push(id);
    }
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { spool: string } }).checks.spool).toMatch(/bytes waiting for Redis/);
    first.child.kill('SIGKILL');
    await first.stop();

    const revived = await privateRedis(redis.dir, redis.port);
    const second = await startFenji({ env });
    cleanups.push(() => second.stop());
    await waitFor(async () => (await completedCount(revived.url)) >= answered.length, 30_000);
    expect((await jobIds(revived.url)).sort()).toEqual([...answered].sort());
  });
});
