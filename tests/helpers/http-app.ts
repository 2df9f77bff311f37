import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { createRedis } from '../../src/adapters/redis/connections.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { createApp } from '../../src/http/app.ts';
import type { ApiDeps } from '../../src/http/routes/api/index.ts';
import { CallbackIntake } from '../../src/ingress/callback-intake.ts';
import { Spool } from '../../src/ingress/spool.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { type CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { deleteByPrefix, testRedisUrl, uniquePrefix } from './redis.ts';

/** Fenji's Koa app in-process on a random port, with a real Redis and its own prefix. */
export interface AppHarness {
  url: string;
  /** The listening server (tests that must know a request arrived listen to 'request'). */
  server: Server;
  prefix: string;
  queue: Queue<CallbackJobData>;
  redis: Redis;
  metrics: Metrics;
  clock: Clock & { set(ms: number): void };
  /** Fenji's log lines (pino JSON objects), with `captureLogs`; empty otherwise. */
  logLines: { level: number; msg: string; [field: string]: unknown }[];
  close(): Promise<void>;
}

export interface AppHarnessOptions {
  maxAgeSeconds?: number;
  maxBodyBytes?: number;
  /** Callback credentials; the sandbox corp's by default. */
  credentials?: { token: string; encodingAESKey: string; corpId: string };
  /** Keep every log line from debug up in `logLines` (silent otherwise). */
  captureLogs?: boolean;
  /** Another Redis than the harness's (e.g. one a test fills up). */
  redisUrl?: string;
  /** Mounts /api with deps built on the harness's Redis connection, prefix and clock. */
  api?: (parts: { redis: Redis; keys: RedisKeys; clock: Clock; log: Logger }) => ApiDeps;
}

export async function startAppHarness(options: AppHarnessOptions = {}): Promise<AppHarness> {
  const credentials = options.credentials ?? SANDBOX_CREDENTIALS;
  const logLines: AppHarness['logLines'] = [];
  const log = options.captureLogs
    ? pino({ level: 'debug' }, { write: (line: string) => void logLines.push(JSON.parse(line) as AppHarness['logLines'][number]) })
    : pino({ level: 'silent' });
  const prefix = uniquePrefix('app');
  const redis = createRedis(options.redisUrl ?? testRedisUrl(), 'producer', log);
  await new Promise((r) => redis.once('ready', r));
  const queue = new Queue<CallbackJobData>(QUEUE_NAMES.callbacks, { connection: redis, prefix });
  const intake = new CallbackIntake({
    queue, redis, keys: new RedisKeys(prefix), log,
    spool: new Spool(mkdtempSync(path.join(os.tmpdir(), 'fenji-app-spool-'))),
  });
  let now = Date.now();
  const clock = { now: () => now, set: (ms: number) => (now = ms) };
  const metrics = createMetrics();
  const app = createApp({
    log,
    callback: {
      secrets: {
        token: credentials.token,
        aes: decodeAESKey(credentials.encodingAESKey),
        corpId: credentials.corpId,
        maxAgeSeconds: options.maxAgeSeconds ?? 300,
      },
      maxBodyBytes: options.maxBodyBytes ?? 65_536,
      intake, metrics, clock, log,
    },
    health: { redis, queues: [queue], intake, metrics, probeKey: new RedisKeys(prefix).readinessProbe() },
    ...(options.api ? { api: options.api({ redis, keys: new RedisKeys(prefix), clock, log }) } : {}),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, server, prefix, queue, redis, metrics, clock, logLines,
    async close() {
      await new Promise((r) => server.close(r));
      await queue.close();
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}
