import path from 'node:path';
import { redisAnswers } from '../adapters/redis/connections.ts';
import { startLocalRedis, type LocalRedis } from '../adapters/redis/local-redis-server.ts';
import type { Config } from '../config/load-config.ts';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Makes sure a Redis answers at REDIS_URL. On a developer's machine with none running,
 * starts a private redis-server (AOF on, noeviction) with its data under DATA_DIR/redis.
 * @returns the local server if one was started (to stop it on shutdown).
 */
export async function ensureRedis(config: Config, log: Logger): Promise<LocalRedis | undefined> {
  if (await redisAnswers(config.redis.url)) return undefined;
  const url = new URL(config.redis.url);
  if (!config.redis.autostart || !LOCAL_HOSTS.has(url.hostname)) {
    throw new AppError('redis_unreachable', `No Redis answers at ${redactUrl(url)}. Start one, or fix REDIS_URL.`);
  }
  const dir = path.join(config.dataDir, 'redis');
  const local = await startLocalRedis({ dir, port: Number(url.port || 6379) });
  log.info({ url: local.url, dir }, 'no Redis answered at REDIS_URL: started a local redis-server (AOF on, data under DATA_DIR/redis)');
  return local;
}

function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}
