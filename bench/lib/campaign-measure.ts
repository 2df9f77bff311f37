import type { Redis } from 'ioredis';
import type { OutreachPlanner } from '../../src/domain/outreach/outreach.ts';
import type { OutreachLedger } from '../../src/domain/outreach/ports.ts';
import type { PlanOutreachDeps } from '../../src/jobs/outreach/plan-outreach.ts';
import type { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { pageIds } from '../../src/adapters/redis/contact-store/paging.ts';
import { SEGMENTS } from '../../src/adapters/redis/contact-store/indexes.ts';
import { usedMemory } from './tiers-memory.ts';

/** Milliseconds spent in each planner's page() and in the ledger, summed over a run. */
export interface PhaseTimes { [phase: string]: number }

/** Wraps planners and ledger so each call adds its time to `times` (phase timing without a profiler). */
/** What is left of a run's time (grouping, queuing the sends) is the run's total minus these. */
/** `queue`: wall time from the run's first job call (the groups being queued) to the end of the last. */
export function timed<P extends { planners: readonly OutreachPlanner[]; ledger: Pick<OutreachLedger, 'claimEach'>; jobs: PlanOutreachDeps['jobs'] }>(deps: P, times: PhaseTimes): P {
  const add = (phase: string, started: number) => void (times[phase] = (times[phase] ?? 0) + performance.now() - started);
  const planners = deps.planners.map((p): OutreachPlanner => {
    const wrapped = Object.create(p) as OutreachPlanner & { page: OutreachPlanner['page'] };
    wrapped.page = async (now, cursor, limit) => {
      const started = performance.now();
      try { return await p.page(now, cursor, limit); } finally { add(`page:${p.kind}`, started); }
    };
    return wrapped;
  });
  const ledger = Object.create(deps.ledger) as typeof deps.ledger;
  ledger.claimEach = async (...args) => {
    const started = performance.now();
    try { return await deps.ledger.claimEach(...args); } finally { add('ledger.claimEach', started); }
  };
  let queueStarted: number | null = null;
  const job = <A extends unknown[], R>(call: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    queueStarted ??= performance.now();
    try { return await call(...args); } finally { times['queue'] = performance.now() - queueStarted; }
  };
  const jobs: PlanOutreachDeps['jobs'] = { exists: job(deps.jobs.exists), send: job(deps.jobs.send), notify: job(deps.jobs.notify) };
  return { ...deps, planners, ledger, jobs };
}

/** Samples INFO used_memory every 100 ms until stopped; returns the peak. */
export function memorySampler(redis: Redis): () => Promise<number> {
  let peak = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // A failed sample is skipped: the run's own error is the one to report.
      peak = Math.max(peak, await usedMemory(redis).catch(() => 0));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return Math.max(peak, await usedMemory(redis));
  };
}

/**
 * The floor: every stored contact read once, the way the holiday planner pages (the tier
 * indexes by ZRANGEBYLEX, `pageSize` ids a page, read as MGETs of `chunk` sent together),
 * without decoding, deciding or claiming anything. Seconds.
 */
export async function rawPass(redis: Redis, keys: RedisKeys, pageSize: number, chunk: number): Promise<{ seconds: number; records: number }> {
  const started = performance.now();
  let from = null as Parameters<typeof pageIds>[2]['from'];
  let records = 0;
  do {
    const page = await pageIds(redis, keys, { segments: SEGMENTS, from, limit: pageSize });
    const reads: Promise<Buffer[]>[] = [];
    for (let i = 0; i < page.ids.length; i += chunk) reads.push(redis.mgetBuffer(page.ids.slice(i, i + chunk).map((id) => keys.contact(id))) as Promise<Buffer[]>);
    for (const got of await Promise.all(reads)) records += got.length;
    from = page.next;
  } while (from !== null);
  return { seconds: (performance.now() - started) / 1000, records };
}

/** Redis's CPU seconds so far (INFO cpu: user + sys of the main thread and its helpers). */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** INFO commandstats: microseconds spent per command (scripts under their sha's "evalsha"/"fcall" and per-command lines). */
export async function redisCommandUsec(redis: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1]!, Number(m[3]));
  return out;
}

/** The commands that took the most Redis time between two commandstats readings, "cmd 1.2 s". */
export function topCommands(before: Map<string, number>, after: Map<string, number>, n: number): string {
  return [...after].map(([cmd, usec]) => [cmd, usec - (before.get(cmd) ?? 0)] as const)
    .sort((a, b) => b[1] - a[1]).slice(0, n).map(([cmd, usec]) => `${cmd} ${(usec / 1e6).toFixed(1)} s`).join(', ');
}

/** This process's CPU seconds so far (user + sys). */
export function processCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** MEMORY USAGE of a key, bytes (0 when absent); SAMPLES 0 reads every field. */
export async function keyBytes(redis: Redis, key: string): Promise<number> {
  return Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
}
