import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createRedis } from '../adapters/redis/connections.ts';
import { RedisKeys } from '../adapters/redis/keys.ts';
import type { LocalRedis } from '../adapters/redis/local-redis-server.ts';
import { RedisContactStore } from '../adapters/redis/redis-contact-store.ts';
import { environmentWithEnvFile } from '../config/env-file.ts';
import { loadConfig, type Config } from '../config/load-config.ts';
import { createContainer, type Container } from '../container.ts';
import { ensureRedis } from '../runtime/ensure-redis.ts';
import { createLogger, type Logger } from '../shared/logger.ts';

/** What a command-line tool gets: the config, a container, a quiet logger, its arguments. */
export interface CliContext {
  config: Config;
  container: Container;
  log: Logger;
  args: string[];
}

/** A failure the tool explains itself: printed as its one-line reason, no stack. */
export class CliError extends Error {}

/**
 * Runs a command-line tool (`npm run sync`, `npm run import`) against the same config,
 * Redis and container as Fenji, then exits: 0 when `main` resolves, 1 with one line
 * (`✗ reason`) otherwise. The one CLI file that reads process.env (and .env, like `npm start`). Logs go at `warn`
 * unless LOG_LEVEL is set, so the tool's own lines stay readable.
 */
export async function runCli(main: (ctx: CliContext) => Promise<void>): Promise<never> {
  return runWith(async ({ config, log, args, onClose }) => {
    const container = createContainer(config, log);
    onClose(() => container.close());
    await waitUntilReady(container.producer);
    await main({ config, container, log, args });
  });
}

/** What a read-only tool gets: the config, one Redis connection, the archive over it. */
export interface ReadOnlyCliContext {
  config: Config;
  redis: Redis;
  keys: RedisKeys;
  store: RedisContactStore;
  log: Logger;
  args: string[];
}

/**
 * Like runCli for a tool that must write nothing to Redis (`npm run preview`): no
 * container, whose queues register themselves in Redis (BullMQ `<queue>:meta`) as they
 * connect; just one connection and the archive's reads.
 */
export async function runReadOnlyCli(main: (ctx: ReadOnlyCliContext) => Promise<void>): Promise<never> {
  return runWith(async ({ config, log, args, onClose }) => {
    const redis = createRedis(config.redis.url, 'producer', log);
    onClose(async () => redis.disconnect());
    await waitUntilReady(redis);
    const keys = new RedisKeys(config.redis.keyPrefix);
    await main({ config, redis, keys, store: new RedisContactStore({ redis, keys }), log, args });
  });
}

interface RunContext {
  config: Config;
  log: Logger;
  args: string[];
  /** Called on the way out, in reverse order, before a Redis Fenji started is stopped. */
  onClose(close: () => Promise<unknown>): void;
}

async function runWith(body: (ctx: RunContext) => Promise<void>): Promise<never> {
  let code = 1;
  let localRedis: LocalRedis | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const env = environmentWithEnvFile(process.env);
    const config = loadConfig(env);
    const log = createLogger({ level: env['LOG_LEVEL'] ? config.log.level : 'warn', pretty: config.log.pretty });
    localRedis = await ensureRedis(config, log);
    await body({ config, log, args: process.argv.slice(2), onClose: (close) => closers.push(close) });
    code = 0;
  } catch (err) {
    console.error(`✗ ${oneLine(err)}`);
  }
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await localRedis?.stop().catch(() => undefined);
  process.exit(code);
}

/** The connection fails fast while not connected: wait until it is. */
async function waitUntilReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await once(redis, 'ready', { signal: AbortSignal.timeout(5000) }).catch(() => {
    throw new CliError(`Redis 未就绪 Redis not ready at REDIS_URL within 5 s`);
  });
}

function oneLine(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n').map((s) => s.trim()).filter(Boolean).join('; ');
  return String(err);
}
