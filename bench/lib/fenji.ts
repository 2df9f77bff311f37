import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { CREDS, type SealedRequest } from './messages.ts';

/** Environment for a Fenji child in real mode against the private Redis. */
export function fenjiEnv(opts: {
  port: number;
  redisUrl: string;
  prefix: string;
  dataDir: string;
  maxAgeS: number;
}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Drop anything from the caller's environment that Fenji would read.
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(WECOM_|REDIS_|SANDBOX_|FENJI_|WORKER_|LOG_|PORT$|HOST$|DATA_DIR$)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: 'production',
    WECOM_CORP_ID: CREDS.corpId,
    WECOM_AGENT_ID: String(CREDS.agentId),
    WECOM_SECRET: CREDS.secret,
    WECOM_TOKEN: CREDS.token,
    WECOM_ENCODING_AES_KEY: CREDS.encodingAESKey,
    WECOM_API_BASE: 'http://127.0.0.1:9',
    WECOM_CALLBACK_MAX_AGE_S: String(opts.maxAgeS),
    REDIS_URL: opts.redisUrl,
    REDIS_KEY_PREFIX: opts.prefix,
    REDIS_AUTOSTART: 'never',
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    LOG_LEVEL: 'warn',
  };
}

export interface JobCount {
  total: number;
  byState: Record<string, number>;
}

/**
 * Jobs in the `callbacks` queue, all states; polls until two reads 300 ms apart agree.
 * With `drain`, then removes the waiting ones: the bench runs no worker, and without this
 * Redis would carry every earlier phase's jobs (hundreds of MB, and AOF rewrites that
 * grow with them) into the next phase, where production's workers keep the queue short.
 */
export async function countCallbackJobs(redisUrl: string, prefix: string, opts: { drain?: boolean } = {}): Promise<JobCount> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('callbacks', { connection, prefix });
  try {
    let previous = -1;
    for (let i = 0; i < 40; i++) {
      const byState = await queue.getJobCounts();
      const total = Object.values(byState).reduce((a, b) => a + b, 0);
      if (total === previous) {
        if (opts.drain) await queue.drain();
        return { total, byState };
      }
      previous = total;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    throw new Error('the callbacks queue did not settle within 12 s');
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** What Redis itself went through during a phase: AOF rewrites and its own stalls. */
export interface RedisPhaseEvents {
  aofRewrites: number;
  /** LATENCY LATEST: the longest stall per event kind (ms) at or above the monitor's threshold. */
  stalls: Record<string, number>;
}

/** Redis latency monitor threshold for the bench: stalls this long or longer are reported. */
const STALL_MS = 20;

/**
 * Starts watching Redis for a phase (LATENCY RESET, AOF rewrite count); the returned
 * function reads what happened since. Redis's own stalls (a slow AOF write on a busy
 * disk, a fork) hold every client up, and would otherwise show as Fenji's latency.
 */
export async function watchRedis(redisUrl: string): Promise<() => Promise<RedisPhaseEvents>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const rewrites = async (): Promise<number> => {
    const info = await connection.info('persistence');
    const inProgress = /aof_rewrite_in_progress:1/.test(info) ? 1 : 0;
    return Number(/aof_rewrites:(\d+)/.exec(info)?.[1] ?? 0) + inProgress;
  };
  await connection.config('SET', 'latency-monitor-threshold', String(STALL_MS));
  await connection.call('LATENCY', 'RESET');
  const before = await rewrites();
  return async () => {
    try {
      const latest = (await connection.call('LATENCY', 'LATEST')) as [string, number, number, number][];
      return { aofRewrites: (await rewrites()) - before, stalls: Object.fromEntries(latest.map(([event, , , max]) => [event, max])) };
    } finally {
      connection.disconnect();
    }
  };
}

/**
 * Re-sends requests that got no answer during a load phase, 8 at a time. Whether or not
 * Fenji had enqueued the original, each message ends up as exactly one job (dedupe), so
 * after this "jobs == 2xx answers" must hold exactly.
 */
export async function resend(baseUrl: string, messages: SealedRequest[]): Promise<{ ok2xx: number; other: number }> {
  let ok2xx = 0;
  let other = 0;
  const queue = [...messages];
  const worker = async (): Promise<void> => {
    for (let m = queue.shift(); m; m = queue.shift()) {
      const res = await fetch(baseUrl + m.path, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body: m.body,
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.ok) ok2xx++;
      else other++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { ok2xx, other };
}

/** Lines in Fenji's local spool (events accepted while Redis failed; should be 0). */
export function spoolLines(dataDir: string): number {
  const file = path.join(dataDir, 'spool', 'callbacks.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').length;
}

/** Fenji log lines at warn or above (LOG_LEVEL=warn, so every JSON line). */
export function warnLines(logText: string): string[] {
  return logText.split('\n').filter((line) => line.startsWith('{'));
}
