import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';
import { startFenji } from '../helpers/fenji-process.ts';
import { uniquePrefix } from '../helpers/redis.ts';

const isEvictionWarning = (l: Record<string, unknown>) => String(l['msg']).includes('maxmemory-policy');
const isAofWarning = (l: Record<string, unknown>) => String(l['msg']).includes('appendonly');

describe('a Redis not set up as a database', () => {
  let redis: LocalRedis;
  beforeAll(async () => {
    redis = await startLocalRedis({
      dir: mkdtempSync(path.join(os.tmpdir(), 'fenji-unsafe-redis-')),
      extraArgs: ['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no'],
    });
  });
  afterAll(async () => {
    await redis.stop();
  });

  it.each([
    ['every role in one process', []],
    ['the worker role alone', ['--role=worker']],
    ['the scheduler role alone', ['--role=scheduler']],
  ])('is warned about once, one line per problem, by %s', async (_name, args) => {
    const fenji = await startFenji({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: uniquePrefix('unsafe') }, args });
    try {
      const eviction = await fenji.waitForLog(isEvictionWarning);
      const aof = await fenji.waitForLog(isAofWarning);
      expect(eviction).toMatchObject({ level: 40 });
      expect(eviction['msg']).toContain('"allkeys-lru", not "noeviction"');
      expect(aof).toMatchObject({ level: 40 });
    } finally {
      // Stopped, its log is complete: count what it said.
      await fenji.stop();
    }
    expect(fenji.logs.filter(isEvictionWarning)).toHaveLength(1);
    expect(fenji.logs.filter(isAofWarning)).toHaveLength(1);
    // BullMQ prints its own eviction warning for every connection it opens (8 or more per
    // process): Fenji's one line above says it, so those copies must not reach stderr.
    expect(fenji.stderr()).not.toContain('Eviction policy');
  });
});
