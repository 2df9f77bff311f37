import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis, type LocalRedis } from '../../src/adapters/redis/local-redis-server.ts';
import { onCleanup, pinPid } from './procs.ts';

/**
 * A private redis-server for one scenario, in a temp dir, pinned to CPU 1 when pinning is
 * on, AOF on or off, with a client; all of it registered for cleanup.
 */
export async function startBenchRedis(label: string, opts: { pinned: boolean; aof: boolean }): Promise<{ server: LocalRedis; redis: Redis }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `fenji-bench-${label}-`));
  onCleanup('temp dir', () => rmSync(tmp, { recursive: true, force: true }));
  const server = await startLocalRedis({ dir: path.join(tmp, 'redis') });
  onCleanup('redis-server', () => server.stop());
  if (opts.pinned && server.process.pid) pinPid(server.process.pid, 1);
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  onCleanup('redis client', () => redis.disconnect());
  if (!opts.aof) await redis.config('SET', 'appendonly', 'no');
  return { server, redis };
}
