import os from 'node:os';
import path from 'node:path';
import { RedisTierBatches } from '../src/adapters/redis/contact-store/tier-batches.ts';
import { RedisKeys } from '../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../src/adapters/redis/redis-contact-store.ts';
import { loadPolicies } from '../src/config/load-tier-policy.ts';
import { DAY_MS } from '../src/domain/tiers/policy.ts';
import { reevaluateTier } from '../src/domain/tiers/reevaluate-tier.ts';
import { recomputeAllTiers } from '../src/jobs/tiers/recompute-all-tiers.ts';
import { reevaluateDueTiers } from '../src/jobs/tiers/reevaluate-due-tiers.ts';
import type { TierJobDeps } from '../src/jobs/tiers/tier-batch.ts';
import type { OptionSpec } from './lib/args.ts';
import { startCpuMeter } from './lib/cpu.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { detectPinning, pinPid, runScenario } from './lib/procs.ts';
import { measureBaseline } from './lib/tiers-baseline.ts';
import { memoryBreakdown, usedMemory } from './lib/tiers-memory.ts';
import { printTiers, type TiersResult } from './lib/tiers-report.ts';
import { contactId, REPS, seedBatch } from './lib/tiers-seed.ts';

/**
 * Scenario T1 (README, 'Benchmarks'): a million contacts in a private Redis, the nightly
 * full tier recompute, the due-only re-evaluation and Redis memory per contact, each
 * against raw pipelined Redis measured in the same run. AOF is off by default (`--aof=1`
 * turns appendfsync everysec on): the numbers are about CPU, and an AOF rewrite of a
 * multi-GB dataset mid-run would measure the disk instead.
 */
export const TIERS_OPTIONS = [
  { name: 'count', default: 1_000_000, help: 'synthetic contacts to seed', min: 1000 },
  { name: 'seedBatch', default: 2000, help: 'contacts per seeding pipeline', min: 1 },
  { name: 'batch', default: 1000, help: 'contacts per recompute / due batch', min: 1 },
  { name: 'dueSample', default: 20_000, help: 'due contacts re-evaluated by the batch job', min: 1 },
  { name: 'portSample', default: 5000, help: 'due contacts re-evaluated one by one through ContactStore (0 = skip)' },
  { name: 'baselineKeys', default: 200_000, help: 'keys per raw Redis baseline op', min: 1000 },
  { name: 'avatars', default: 1, help: 'give WeChat users a ~110-char avatar URL (1) or none (0)' },
  { name: 'aof', default: 0, help: 'appendonly everysec on (1) or off (0)' },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof TIERS_OPTIONS)[number]['name'], number>;

export function tiers(argv: string[]): Promise<number> {
  return runScenario(TIERS_OPTIONS, argv, run);
}

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  const cpus = os.availableParallelism();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji tiers bench — node ${process.version}, ${cpus} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? `  pinned: redis-server on CPU 1, this process (seeding, jobs) on CPU 0 (${cpus} CPUs)` : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);

  const { server, redis } = await startBenchRedis('tiers', { pinned: pin.enabled, aof: Boolean(o.aof) });
  const cpu = () => startCpuMeter({ redis: server.process.pid });

  const { tiers: policy } = loadPolicies(path.resolve(import.meta.dirname, '../config/tiers.jsonc'));
  const timeZone = 'Asia/Shanghai';
  const keys = new RedisKeys('fenji');
  const store = new RedisContactStore({ redis, keys });
  const deps: TierJobDeps = { batches: new RedisTierBatches({ redis, keys }), store, policy, timeZone };
  const seedAt = Date.UTC(2025, 10, 20, 2);

  // 1. Seed.
  const memoryBefore = await usedMemory(redis);
  let meter = cpu();
  let started = performance.now();
  const shape = { avatars: o.avatars === 1, seedAt };
  let inFlight: Promise<void> | null = null;
  for (let from = 0; from < o.count; from += o.seedBatch) {
    const batch = seedBatch(redis, keys, { policy, timeZone }, shape, from, Math.min(o.count, from + o.seedBatch));
    if (inFlight) await inFlight;
    inFlight = batch;
    if ((from / o.seedBatch) % 100 === 0) process.stdout.write(`\r  seeding ${from.toLocaleString('en')} / ${o.count.toLocaleString('en')}`);
  }
  await inFlight;
  const seedS = (performance.now() - started) / 1000;
  const seedCpu = meter();
  process.stdout.write('\r');
  const memoryAfter = await usedMemory(redis);
  const sampleIds = Array.from({ length: 2000 }, (_, k) => contactId(Math.floor((k * o.count) / 2000)));
  const breakdown = await memoryBreakdown(redis, keys, { ids: sampleIds, reps: REPS, count: o.count });
  const tiersAtSeed = await store.tierCounts();
  const lengths = await Promise.all(sampleIds.map((id) => redis.strlen(keys.contact(id))));
  const recordBytes = Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length);

  // 2. Raw Redis baseline, same server, same run.
  const baseline = await measureBaseline(redis, { keys: o.baselineKeys, valueBytes: recordBytes, depth: o.batch });

  // 3. Full recompute ten days later, nothing re-evaluated in between: time has moved
  // ~13 % of the tiers (a catch-up, e.g. after the workers were down or a policy change).
  const recomputeAt = seedAt + 10 * DAY_MS;
  meter = cpu();
  started = performance.now();
  const recompute = await recomputeAllTiers(deps, { now: recomputeAt, batchSize: o.batch });
  const recomputeS = (performance.now() - started) / 1000;
  const recomputeCpu = meter();
  const tiersAfter = await store.tierCounts();

  // 3'. The nightly pass in steady state: the due job keeps tiers current, so a recompute
  // at the same moment finds nothing to write; this is the read + decide cost alone.
  meter = cpu();
  started = performance.now();
  const nightly = await recomputeAllTiers(deps, { now: recomputeAt, batchSize: o.batch });
  const nightlyS = (performance.now() - started) / 1000;
  const nightlyCpu = meter();

  // 4. Due-only re-evaluation a week after that: the batch job, then the one-by-one port path.
  const dueAt = recomputeAt + 7 * DAY_MS;
  const dueTotal = (await store.due(dueAt, 10_000_000)).length;
  meter = cpu();
  started = performance.now();
  const dueRun = await reevaluateDueTiers(deps, { now: dueAt, limit: o.dueSample, batchSize: o.batch });
  const dueDone = dueRun.due;
  const dueChanged = dueRun.changed;
  const dueUs = ((performance.now() - started) * 1000) / Math.max(1, dueDone);
  const dueCpu = meter();
  let portUs = NaN;
  let portDone = 0;
  if (o.portSample > 0) {
    const ids = await store.due(dueAt, o.portSample);
    started = performance.now();
    const CONCURRENCY = 64;
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      await Promise.all(ids.slice(i, i + CONCURRENCY).map((id) => reevaluateTier({ store, policy, timeZone }, id, dueAt)));
    }
    portDone = ids.length;
    portUs = ((performance.now() - started) * 1000) / Math.max(1, portDone);
  }

  const result: TiersResult = {
    count: o.count,
    options: o,
    seed: { seconds: seedS, contactsPerS: o.count / seedS, cpu: seedCpu, tiers: tiersAtSeed, recordBytes },
    memory: { before: memoryBefore, after: memoryAfter, perContact: (memoryAfter - memoryBefore) / o.count, breakdown },
    baseline,
    recompute: { ...recompute, seconds: recomputeS, contactsPerS: recompute.scanned / recomputeS, cpu: recomputeCpu, tiers: tiersAfter },
    nightly: { ...nightly, seconds: nightlyS, contactsPerS: nightly.scanned / nightlyS, cpu: nightlyCpu },
    due: { total: dueTotal, done: dueDone, changed: dueChanged, usPerContact: dueUs, cpu: dueCpu, portDone, portUsPerContact: portUs },
  };
  return printTiers(result);
}
