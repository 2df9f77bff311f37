import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';

/**
 * Two kinds of connection (BullMQ "going to production"):
 * - `producer` (web): fails fast — no offline queue, a command timeout, no resend of
 *   unanswered commands — so a Redis outage turns into a spool write within ~2 s
 *   instead of a request that hangs past WeCom's 5 s deadline;
 * - `worker`: waits for Redis forever (`maxRetriesPerRequest: null`), as BullMQ requires.
 */
export function createRedis(url: string, kind: 'producer' | 'worker', log: Logger): Redis {
  const common: RedisOptions = {
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  };
  const options: RedisOptions =
    kind === 'producer'
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 2000, autoResendUnfulfilledCommands: false }
      : { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new Redis(url, options);
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ kind, err: { message: err.message } }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ kind }, 'redis connection restored');
    down = false;
  });
  return redis;
}

/** Pings once with a throwaway connection; true if Redis answers within ~1.5 s. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Warnings about a Redis that is not set up as a database (noeviction, AOF). Reads INFO,
 * not CONFIG GET: managed Redis often disables CONFIG but answers INFO, and one INFO
 * (default sections) holds both settings.
 * @throws when Redis does not answer (the caller decides when to try again).
 */
export async function redisSetupWarnings(redis: Redis): Promise<string[]> {
  const info = await redis.info();
  const setting = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const warnings: string[] = [];
  const policy = setting('maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is "${policy}", not "noeviction": Redis may evict queue jobs and locks`);
  }
  if (setting('aof_enabled') === '0') {
    warnings.push('Redis appendonly is "no": contacts and queued events are lost if Redis restarts');
  }
  return warnings;
}

/**
 * Logs each set-up warning once per process, as soon as the connection is first ready
 * (the producer fails fast before that, so checking at start-up would see nothing).
 * A check cut short by a lost connection runs again on the next `ready`.
 */
export function warnAboutRedisSetup(redis: Redis, log: Logger): void {
  const check = (): void => {
    redisSetupWarnings(redis).then(
      (warnings) => {
        for (const warning of warnings) log.warn(warning);
      },
      (err: Error) => {
        if (redis.status !== 'ready' && redis.status !== 'end') redis.once('ready', check);
        else log.debug({ err: { message: err.message } }, 'could not read the Redis settings (INFO)');
      },
    );
  };
  if (redis.status === 'ready') check();
  else redis.once('ready', check);
}

let bullMqEvictionWarningsQuiet = false;

/**
 * BullMQ console.warns "IMPORTANT! Eviction policy is …" for every connection it opens
 * (eight or more per process). warnAboutRedisSetup says the same once, as a log line an
 * operator's log pipeline sees, so those copies are dropped; every other warning passes.
 * Turning BullMQ's check off instead (skipVersionCheck) would also make it assume an old
 * Redis and block less precisely.
 */
export function quietBullMqEvictionWarnings(): void {
  if (bullMqEvictionWarningsQuiet) return;
  bullMqEvictionWarningsQuiet = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('IMPORTANT! Eviction policy is')) return;
    warn(...args);
  };
}
