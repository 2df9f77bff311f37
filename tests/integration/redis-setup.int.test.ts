import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, redisAnswers, redisSetupWarnings, warnAboutRedisSetup } from '../../src/adapters/redis/connections.ts';
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

  it('warns once per problem, on a fail-fast connection not ready yet, and not again after a reconnect', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await redis.config('SET', 'appendonly', 'no');
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const producer = createRedis(local.url, 'producer', log);
    try {
      warnAboutRedisSetup(producer, log);
      await once(producer, 'ready');
      // Commands on one connection answer in order: once this PING is back, the check's INFO is too.
      await producer.ping();
      await new Promise((r) => setImmediate(r));
      const warnings = () => lines.filter((l) => l.level === 40).map((l) => l.msg);
      expect(warnings()).toEqual([expect.stringContaining('"allkeys-lru"'), expect.stringContaining('appendonly')]);
      producer.disconnect(true);
      await once(producer, 'ready');
      await producer.ping();
      await new Promise((r) => setImmediate(r));
      expect(warnings()).toHaveLength(2);
    } finally {
      producer.disconnect();
    }
  });

  it('tells a Redis that answers from a port where none listens', async () => {
    expect(await redisAnswers(local.url)).toBe(true);
    expect(await redisAnswers(`redis://127.0.0.1:${await freePort()}`)).toBe(false);
  });
});
