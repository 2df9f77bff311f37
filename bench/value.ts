import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisValueBatches } from '../src/adapters/redis/contact-store/value-batches.ts';
import { RedisKeys } from '../src/adapters/redis/keys.ts';
import { loadPolicies } from '../src/config/load-tier-policy.ts';
import type { ValueSummary } from '../src/domain/ports.ts';
import { scoreAllValues, type ValueRunStats } from '../src/jobs/value/score-all-values.ts';
import type { OptionSpec } from './lib/args.ts';
import { startCpuMeter, type CpuShare } from './lib/cpu.ts';
import { startBenchRedis } from './lib/bench-redis.ts';
import { detectPinning, pinPid, runScenario } from './lib/procs.ts';
import { usedMemory } from './lib/tiers-memory.ts';
import { contactId } from './lib/tiers-seed.ts';
import { seedValueBatch } from './lib/value-seed.ts';

/**
 * The value job over synthetic contacts in a private Redis: the first run (every buyer's
 * value written), the nightly run in steady state (nothing to write), this process's
 * memory above its baseline during a run (it should not grow with the contacts), the
 * Redis bytes the values add, and a raw pipelined MGET pass over the same records as the
 * floor one pass can reach.
 */
export const VALUE_OPTIONS = [
  { name: 'count', default: 1_000_000, help: 'synthetic contacts to seed', min: 1000 },
  { name: 'buyers', default: 30, help: 'percent of contacts with orders', min: 0 },
  { name: 'seedBatch', default: 2000, help: 'contacts per seeding pipeline', min: 1 },
  { name: 'batch', default: 1000, help: 'contacts per job batch (MGET)', min: 1 },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof VALUE_OPTIONS)[number]['name'], number>;

export function value(argv: string[]): Promise<number> {
  return runScenario(VALUE_OPTIONS, argv, run);
}

interface RunResult extends ValueRunStats {
  seconds: number;
  contactsPerS: number;
  cpu: CpuShare;
  /** Peak RSS and heap above their level just before the run, MB. */
  rssPeakMb: number;
  heapPeakMb: number;
}

async function run(o: Options): Promise<number> {
  const pin = detectPinning();
  if (pin.enabled) pinPid(process.pid, 0);
  console.log(`Fenji value bench — node ${process.version}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(pin.enabled ? '  pinned: redis-server on CPU 1, this process on CPU 0' : `  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}`);

  const { server, redis } = await startBenchRedis('value', { pinned: pin.enabled, aof: false });

  const { tiers: tierPolicy, value: policy } = loadPolicies(path.resolve(import.meta.dirname, '../config/tiers.jsonc'));
  const keys = new RedisKeys('fenji');
  const seedAt = Date.UTC(2025, 10, 20, 2);
  const shape = { avatars: true, seedAt, buyers: o.buyers / 100 };

  const started = performance.now();
  let buyers = 0;
  for (let from = 0; from < o.count; from += o.seedBatch) {
    buyers += await seedValueBatch(redis, keys, { policy: tierPolicy, timeZone: 'Asia/Shanghai' }, shape, from, Math.min(o.count, from + o.seedBatch));
    if ((from / o.seedBatch) % 50 === 0) process.stdout.write(`\r  seeding ${from.toLocaleString('en')} / ${o.count.toLocaleString('en')}`);
  }
  process.stdout.write('\r');
  console.log(`  seeded ${o.count.toLocaleString('en')} contacts (${buyers.toLocaleString('en')} buyers) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const deps = { batches: new RedisValueBatches({ redis, keys }), policy, clock: { now: () => seedAt } };
  const cpu = () => startCpuMeter({ redis: server.process.pid });

  const memoryBefore = await usedMemory(redis);
  const first = await measured(() => scoreAllValues(deps, { batchSize: o.batch }), cpu);
  const memoryAfter = await usedMemory(redis);
  const steady = await measured(() => scoreAllValues(deps, { batchSize: o.batch }), cpu);
  // After the runs, so Redis has finished rehashing its keyspace after the seeding.
  const floorS = await rawReadPass(redis, keys, o.count, o.batch);

  const line = (name: string, r: RunResult) =>
    `  ${name.padEnd(22)} ${r.seconds.toFixed(1).padStart(6)} s  ${Math.round(r.contactsPerS).toLocaleString('en').padStart(9)} contacts/s  rank ${(r.rankMs / 1000).toFixed(1)} s + write ${(r.writeMs / 1000).toFixed(1)} s  written ${r.written.toLocaleString('en')}  cpu ${JSON.stringify(r.cpu)}  +RSS ${r.rssPeakMb.toFixed(0)} MB  +heap ${r.heapPeakMb.toFixed(0)} MB`;
  console.log(`\n  raw pipelined MGET of every record (one pass, the floor): ${floorS.toFixed(1)} s`);
  console.log(line('first run (all write)', first.run));
  console.log(line('steady (nothing new)', steady.run));
  console.log(`  values in Redis: +${((memoryAfter - memoryBefore) / Math.max(1, first.run.buyers)).toFixed(1)} bytes per buyer`);
  console.log(`  summary: ${JSON.stringify(first.summary)}`);
  console.log(JSON.stringify({ scenario: 'value', options: o, buyers, floorS, first: first.run, steady: steady.run, valueBytesPerBuyer: (memoryAfter - memoryBefore) / Math.max(1, first.run.buyers), summary: first.summary }));
  return 0;
}

/** Runs the job once, sampling this process's memory every 20 ms. */
async function measured(
  job: () => Promise<{ stats: ValueRunStats; summary: ValueSummary }>,
  cpu: () => () => CpuShare,
): Promise<{ run: RunResult; summary: ValueSummary }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  const meter = cpu();
  const started = performance.now();
  try {
    const { stats, summary } = await job();
    const seconds = (performance.now() - started) / 1000;
    const mb = (n: number) => n / 1024 / 1024;
    return { run: { ...stats, seconds, contactsPerS: stats.contacts / seconds, cpu: meter(), rssPeakMb: mb(rss - base.rss), heapPeakMb: mb(heap - base.heapUsed) }, summary };
  } finally {
    clearInterval(sampler);
  }
}

/** Seconds to MGET every contact record once (buffers, 3 batches in flight): what one pass costs in Redis and on the wire. */
async function rawReadPass(redis: Redis, keys: RedisKeys, count: number, batch: number): Promise<number> {
  const all = Array.from({ length: count }, (_, i) => keys.contact(contactId(i)));
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let from = 0; from < count; from += batch) {
    if (inFlight.length >= 3) await inFlight.shift();
    inFlight.push(redis.mgetBuffer(all.slice(from, from + batch)));
  }
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}
