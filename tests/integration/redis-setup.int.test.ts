import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisAnswers, redisSetupWarnings } from '../../src/adapters/redis/connections.ts';
import { freePort, startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';

describe('Redis set-up checks', () => {
  let local: LocalRedis;
  let redis: Redis;
  beforeAll(async () => {
    local = await startLocalRedis({ dir: mkdtempSync(path.join(os.tmpdir(), 'fenji-setup-')) });
    redis = new Redis(local.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await local.stop();
  });

  it('finds nothing to warn about on the Redis Fenji starts (AOF on, noeviction)', async () => {
    expect(await redisSetupWarnings(redis)).toEqual([]);
  });

  it('warns when the eviction policy is not noeviction or AOF is off', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await redis.config('SET', 'appendonly', 'no');
    const warnings = await redisSetupWarnings(redis);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"allkeys-lru", not "noeviction"');
    expect(warnings[1]).toContain('appendonly');
  });

  it('tells a Redis that answers from a port where none listens', async () => {
    expect(await redisAnswers(local.url)).toBe(true);
    expect(await redisAnswers(`redis://127.0.0.1:${await freePort()}`)).toBe(false);
  });
});
