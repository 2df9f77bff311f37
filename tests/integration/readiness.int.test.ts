import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';
import { startAppHarness, type AppHarness } from '../helpers/http-app.ts';

async function readyz(h: AppHarness): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const res = await fetch(`${h.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
}

const usedMemory = async (redis: Redis) => Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1]);

/**
 * Fills Redis with 64 KB values under `prefix` until it answers OOM (maxmemory reached,
 * noeviction), then lowers maxmemory a little below what it holds: right at the limit, a
 * freed client buffer lets a small write through again, and the test would be a coin toss.
 */
async function fillUp(redis: Redis, prefix: string): Promise<void> {
  await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) + 4 * 1024 * 1024));
  const value = 'x'.repeat(64 * 1024);
  for (let i = 0; ; i++) {
    if (i === 1000) throw new Error('Redis never refused a write');
    const refused = await redis.set(`${prefix}:ballast:${i}`, value).then(() => false, (err: Error) => {
      if (err.message.startsWith('OOM')) return true;
      throw err;
    });
    if (refused) break;
  }
  await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) - 1024 * 1024));
  await expect(redis.set(`${prefix}:small`, '1')).rejects.toThrow(/^OOM/);
}

describe('/readyz and a Redis that refuses writes', () => {
  let local: LocalRedis;
  let admin: Redis;
  let h: AppHarness;
  beforeAll(async () => {
    // Its own Redis: this test fills it up (maxmemory with noeviction, as Fenji wants it).
    local = await startLocalRedis({ dir: mkdtempSync(path.join(os.tmpdir(), 'fenji-full-redis-')) });
    admin = new Redis(local.url);
    h = await startAppHarness({ redisUrl: local.url });
  });
  afterAll(async () => {
    await admin.config('SET', 'maxmemory', '0');
    await h.close();
    admin.disconnect();
    await local.stop();
  });

  it('says not ready, with the reason, while Redis answers OOM to writes, and ready again once it takes them', async () => {
    expect(await readyz(h)).toMatchObject({ status: 200, body: { status: 'ready', checks: { redis: 'ok' } } });

    await fillUp(admin, h.prefix);
    const full = await readyz(h);
    expect(full.status).toBe(503);
    expect(full.body.status).toBe('not_ready');
    expect(full.body.checks['redis']).toMatch(/^refusing writes: OOM /);

    await admin.config('SET', 'maxmemory', '0');
    expect(await readyz(h)).toMatchObject({ status: 200, body: { status: 'ready', checks: { redis: 'ok' } } });
  });
});
