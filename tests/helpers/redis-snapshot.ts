import type { Redis } from 'ioredis';

/**
 * Every key under `prefix` with its type and whole content, sorted: two snapshots are equal
 * exactly when nothing under the prefix was written (TTLs aside).
 */
export async function snapshotPrefix(redis: Redis, prefix: string): Promise<Record<string, unknown>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    if (type === 'string') out[key] = await redis.get(key);
    else if (type === 'hash') out[key] = await redis.hgetall(key);
    else if (type === 'zset') out[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'set') out[key] = (await redis.smembers(key)).sort();
    else if (type === 'list') out[key] = await redis.lrange(key, 0, -1);
    else out[key] = `<${type}>`;
  }
  return out;
}
