import { once as nextEvent } from 'node:events';
import type { Server } from 'node:http';
import { warnAboutRedisSetup } from './adapters/redis/connections.ts';
import { RedisServerMissingError, type LocalRedis } from './adapters/redis/local-redis-server.ts';
import { environmentWithEnvFile } from './config/env-file.ts';
import { loadConfig, type Config } from './config/load-config.ts';
import { loadPolicies } from './config/load-tier-policy.ts';
import { loadOccasions, type Occasions } from './config/load-occasions.ts';
import { warnAboutMissingOfficialDays } from './runtime/official-days-warning.ts';
import { createContainer, type Container } from './container.ts';
import { createApp } from './http/app.ts';
import { startSchedules } from './jobs/scheduler.ts';
import { ensureRedis } from './runtime/ensure-redis.ts';
import { parseRoles, type Role } from './runtime/roles.ts';
import { ensureWritableDataDir, startupFailureLine, type PortVariables } from './runtime/startup-errors.ts';
import { sandboxStateFile } from './sandbox/persistence.ts';
import { startSandbox } from './sandbox/server.ts';
import { decodeAESKey } from './wecom/cipher.ts';
import { ConfigError } from './shared/errors.ts';
import { createLogger, type Logger } from './shared/logger.ts';

/** What start-up has started, stopped in reverse on shutdown or a start-up failure. */
const stops: (() => Promise<unknown>)[] = [];
/** Named in a one-line error when a port is taken. */
let ports: PortVariables = {};

async function main(): Promise<void> {
  let config: Config;
  let roles: Set<Role>;
  let occasions: Occasions;
  try {
    // .env (as .env.example invites) under the environment: what is already set wins.
    config = loadConfig(environmentWithEnvFile(process.env));
    roles = parseRoles(process.argv.slice(2));
    // Before anything starts (the auto-started Redis first): a typo in the tier rules or
    // an unusable DATA_DIR must stop Fenji without leaving a redis-server behind.
    loadPolicies(config.tiersFile);
    occasions = loadOccasions(config.occasionsFile);
    ensureWritableDataDir(config.dataDir);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(startupFailureLine(err));
      process.exit(1);
    }
    throw err;
  }
  ports = config.sandbox.inProcess ? { PORT: config.http.port, SANDBOX_PORT: config.sandbox.port } : { PORT: config.http.port };
  const log = createLogger({ level: config.log.level, pretty: config.log.pretty, role: [...roles].join(',') });
  warnAboutMissingOfficialDays(occasions, Date.now(), config.timezone, log);
  const shutdown = once(async (signal: string) => {
    log.info({ signal }, 'shutting down');
    // Closing waits on Redis (workers finish their jobs); if Redis is gone, don't hang.
    setTimeout(() => {
      log.warn('shutdown took over 30 s: exiting anyway (unfinished jobs are retried)');
      process.exit(1);
    }, 30_000).unref();
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'stop failed'));
    process.exit(0);
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  let localRedis: LocalRedis | undefined;
  try {
    localRedis = await ensureRedis(config, log);
  } catch (err) {
    console.error(err instanceof RedisServerMissingError || err instanceof Error ? err.message : err);
    process.exit(1);
  }
  if (localRedis) stops.push(() => localRedis.stop());

  let container: Container;
  try {
    container = createContainer(config, log);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    await localRedis?.stop();
    process.exit(1);
  }
  stops.push(() => container.close());
  warnAboutRedisSetup(container.producer, log);

  if (config.sandbox.inProcess && roles.has('web')) {
    const sandbox = await startSandbox({
      port: config.sandbox.port,
      callbackUrl: `http://127.0.0.1:${config.http.port}/wecom/callback`,
      ...(config.aibot ? { aibotCallbackUrl: `http://127.0.0.1:${config.http.port}/wecom/aibot`, aibotCredentials: config.aibot } : {}),
      log: log.child({ component: 'sandbox' }),
      stateFile: sandboxStateFile(config.dataDir),
    });
    stops.push(() => sandbox.close());
    // The corp is kept under DATA_DIR across restarts; only a new one (first start, or after
    // npm run sandbox -- reset) makes what Redis remembers of the last one stale.
    if (!sandbox.restored) await forgetLastSandboxCorp(container).catch((err: Error) => log.warn({ err: { message: err.message } }, 'could not clear the last sandbox run\'s WeCom caches'));
    log.info({ sandbox: sandbox.url }, 'no WeCom credentials set: running against the local WeCom sandbox (see README)');
  } else if (config.mode === 'sandbox') {
    log.info({ sandbox: config.wecom.apiBase }, 'no WeCom credentials set: using the WeCom sandbox service');
  }
  if (roles.has('worker')) container.startWorkers();
  if (roles.has('scheduler')) await startScheduler(container);
  if (roles.has('web')) {
    const server = await startWeb(container, log);
    stops.push(() => {
      const closed = new Promise((resolve) => server.close(resolve));
      // Keep-alive sockets would hold close() open for keepAliveTimeout: end idle ones now.
      server.closeIdleConnections();
      return closed;
    });
  }
  log.info({ roles: [...roles], mode: config.mode }, 'fenji started');
}

/**
 * A new, empty sandbox corp (no saved state under DATA_DIR): what Redis remembers of an
 * earlier one (its access_token, its tier tag ids) would only earn a 40014 and a 40068.
 */
async function forgetLastSandboxCorp(container: Container): Promise<void> {
  const { config, keys, producer } = container;
  if (producer.status !== 'ready') {
    // The producer fails fast instead of queueing: wait (briefly) for its first connection.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      nextEvent(producer, 'ready'),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('redis not ready within 5 s')), 5000))),
    ]).finally(() => clearTimeout(timer));
  }
  await producer.del(keys.wecomToken(config.wecom.corpId, config.wecom.agentId), keys.tierTags());
}

async function startWeb(container: Container, log: Logger): Promise<Server> {
  const { config, intake } = container;
  const app = createApp({
    log,
    callback: {
      secrets: {
        token: config.wecom.token,
        aes: decodeAESKey(config.wecom.encodingAESKey),
        corpId: config.wecom.corpId,
        maxAgeSeconds: config.callback.maxAgeSeconds,
      },
      maxBodyBytes: config.callback.maxBodyBytes,
      intake,
      metrics: container.metrics,
      clock: container.clock,
      log,
    },
    health: { redis: container.producer, queues: Object.values(container.queues), intake, metrics: container.metrics, probeKey: container.keys.readinessProbe() },
    api: {
      store: container.store,
      policy: container.policies.tiers,
      timeZone: config.timezone,
      clock: container.clock,
      tokens: config.api.tokens,
      // Tier changes an API call causes are mirrored as WeCom tags, like the worker's.
      onTierChanges: container.onTierChanges,
      // A customer's 退订 posted by a chat-archive bridge is told to their reps, like a kf one.
      onOptOuts: container.onOptOuts,
      log,
    },
    ...(config.aibot ? {
      aibot: {
        secrets: { token: config.aibot.token, aes: decodeAESKey(config.aibot.encodingAESKey), maxAgeSeconds: config.callback.maxAgeSeconds },
        maxBodyBytes: config.callback.maxBodyBytes,
        enqueue: (data, jobId) => container.enqueueAibotCommand(data, jobId),
        clock: container.clock,
        log,
      },
    } : {}),
  });
  const server = app.listen(config.http.port, config.http.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  // Events spooled during a Redis outage (or before a crash) go back to the queue as soon
  // as Redis answers, after we listen: new callbacks need not wait for an old spool.
  // replaySpool is a no-op while the spool is empty.
  void intake.replaySpool();
  const timer = setInterval(() => void intake.replaySpool(), 1000);
  timer.unref();
  // WeCom drops the connection after 5 s; keep-alive sockets must outlive its pooling.
  server.keepAliveTimeout = 65_000;
  log.info({ port: config.http.port, callback: '/wecom/callback', aibot: config.aibot ? '/wecom/aibot' : 'off', api: config.api.tokens.length > 0 ? config.api.tokens.map((t) => t.name) : 'off', mode: config.mode }, 'fenji listening');
  return server;
}

async function startScheduler(container: Container): Promise<void> {
  await startSchedules(Object.values(container.queues), container.config.timezone, container.log);
  container.log.info({ timeZone: container.config.timezone }, 'scheduler started: every job schedule in src/jobs/registry.ts upserted');
}

function once<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  let running: Promise<void> | undefined;
  return (...args) => (running ??= fn(...args));
}

await main().catch(async (err: unknown) => {
  const line = startupFailureLine(err, ports);
  if (line === undefined) throw err;
  console.error(line);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(1);
});
