import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../src/config/load-config.ts';
import { createContainer, type Container } from '../../src/container.ts';
import { createApp } from '../../src/http/app.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import type { Clock } from '../../src/shared/clock.ts';
import { decodeAESKey } from '../../src/wecom/cipher.ts';
import { onCleanup } from './procs.ts';

/** Fenji's web and worker roles in this process (as `npm start` runs them), against a sandbox, on the bench's Redis. */
export interface BenchFenji {
  container: Container;
  sandbox: Sandbox;
}

/**
 * Starts the sandbox (with `apiLatencyMs` on every WeCom call, as a real network has) and a
 * whole Fenji on it: container, workers and the Koa callback route, the sandbox delivering
 * its callbacks there over HTTP. Both read `clock`; `env` adds settings (FENJI_MANAGERS).
 * Everything is registered for cleanup.
 */
export async function startBenchFenji(opts: {
  redisUrl: string;
  clock: Clock;
  apiLatencyMs: number;
  /** More Fenji env (e.g. FENJI_GROUPMSG_PER_MINUTE). */
  env?: Record<string, string>;
  /** false: the caller starts them (container.startWorkers()) when its phase begins. */
  workers?: boolean;
}): Promise<BenchFenji> {
  const sandbox = await startSandbox({ clock: opts.clock, latencyMs: { '*': opts.apiLatencyMs }, maxRecordedCalls: 1_000_000 });
  onCleanup('sandbox', () => sandbox.close());
  const { container, config, log } = await startBenchContainer({ ...opts, apiBase: sandbox.url });
  const app = createApp({
    log,
    callback: {
      secrets: { token: config.wecom.token, aes: decodeAESKey(config.wecom.encodingAESKey), corpId: config.wecom.corpId, maxAgeSeconds: config.callback.maxAgeSeconds },
      maxBodyBytes: config.callback.maxBodyBytes,
      intake: container.intake, metrics: container.metrics, clock: opts.clock, log,
    },
    health: { redis: container.producer, queues: Object.values(container.queues), intake: container.intake, metrics: container.metrics, probeKey: container.keys.readinessProbe() },
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  onCleanup('http server', () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  sandbox.setCallbackUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/wecom/callback`);
  return { container, sandbox };
}

/**
 * Fenji's container (queues, jobs, Redis adapters) on the bench's Redis, calling WeCom at
 * `apiBase`, with no HTTP server: for a bench that drives jobs and needs no callbacks.
 */
export async function startBenchContainer(opts: {
  redisUrl: string;
  clock: Clock;
  apiBase: string;
  env?: Record<string, string>;
  workers?: boolean;
}): Promise<{ container: Container; config: ReturnType<typeof loadConfig>; log: Logger }> {
  const log = pino({ level: process.env['BENCH_LOG'] ?? 'silent' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-bench-'));
  onCleanup('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    REDIS_URL: opts.redisUrl,
    REDIS_KEY_PREFIX: 'fenji',
    REDIS_AUTOSTART: 'never',
    DATA_DIR: dataDir,
    WECOM_API_BASE: opts.apiBase,
    FENJI_TIERS_FILE: path.resolve(import.meta.dirname, '../../config/tiers.jsonc'),
    ...opts.env,
  });
  const container = createContainer(config, log, opts.clock);
  onCleanup('fenji', () => container.close());
  if (opts.workers !== false) container.startWorkers();
  await Promise.all(Object.values(container.queues).map((q) => q.waitUntilReady()));
  return { container, config, log };
}
