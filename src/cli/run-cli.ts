import { once } from 'node:events';
import type { LocalRedis } from '../adapters/redis/local-redis-server.ts';
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
  let code = 1;
  let localRedis: LocalRedis | undefined;
  let container: Container | undefined;
  try {
    const env = environmentWithEnvFile(process.env);
    const config = loadConfig(env);
    const log = createLogger({ level: env['LOG_LEVEL'] ? config.log.level : 'warn', pretty: config.log.pretty });
    localRedis = await ensureRedis(config, log);
    container = createContainer(config, log);
    // The producer connection fails fast while not connected: wait until it is.
    if (container.producer.status !== 'ready') {
      await once(container.producer, 'ready', { signal: AbortSignal.timeout(5000) }).catch(() => {
        throw new CliError(`Redis 未就绪 Redis not ready at REDIS_URL within 5 s`);
      });
    }
    await main({ config, container, log, args: process.argv.slice(2) });
    code = 0;
  } catch (err) {
    console.error(`✗ ${oneLine(err)}`);
  }
  await container?.close().catch(() => undefined);
  await localRedis?.stop().catch(() => undefined);
  process.exit(code);
}

function oneLine(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n').map((s) => s.trim()).filter(Boolean).join('; ');
  return String(err);
}
