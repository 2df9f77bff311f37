import type { Tier } from '../../src/domain/tiers/policy.ts';
import type { CpuShare } from './cpu.ts';
import { round, targetLine } from './report.ts';
import type { RedisBaseline } from './tiers-baseline.ts';
import type { MemoryBreakdown } from './tiers-memory.ts';

/** Targets of issue 3 for scenario T1. */
export const TIERS_TARGETS = {
  recomputeSecondsPer1M: 20,
  bytesPerContact: 1536,
  /** T1: contacts/s ≥ 0.2 × (pipelined ops/s ÷ Redis ops per contact). */
  ratio: 0.2,
} as const;

export interface TiersResult {
  count: number;
  options: Record<string, number>;
  seed: { seconds: number; contactsPerS: number; cpu: CpuShare; tiers: Record<Tier, number>; recordBytes: number };
  memory: { before: number; after: number; perContact: number; breakdown: MemoryBreakdown };
  baseline: RedisBaseline;
  recompute: { scanned: number; written: number; changed: number; retried: number; seconds: number; contactsPerS: number; cpu: CpuShare; tiers: Record<Tier, number> };
  nightly: { scanned: number; written: number; changed: number; retried: number; seconds: number; contactsPerS: number; cpu: CpuShare };
  due: { total: number; done: number; changed: number; usPerContact: number; cpu: CpuShare; portDone: number; portUsPerContact: number };
}

const n = (x: number, digits = 0) => x.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cores = (c: CpuShare) => `bench ${c['loadgen']} / redis ${c['redis']} / other ${c['other']} / steal ${c['steal']}`;
/** CPU µs per contact of the bench process and of Redis: steadier than wall time on a shared box. */
const cpuUs = (c: CpuShare, seconds: number, count: number) => ({
  bench: round(((c['loadgen'] ?? NaN) * seconds * 1e6) / count, 2),
  redis: round(((c['redis'] ?? NaN) * seconds * 1e6) / count, 2),
});

/** Prints the report and the JSON line; returns the exit code (1 if a correctness check fails). */
export function printTiers(r: TiersResult): number {
  const T = TIERS_TARGETS;
  const b = r.baseline;
  const m = r.memory.breakdown;
  const sum = (t: Record<Tier, number>) => t.A + t.B + t.C + t.D;
  console.log(`\n(seed) ${n(r.count)} contacts in ${n(r.seed.seconds, 1)} s (${n(r.seed.contactsPerS)}/s; cores ${cores(r.seed.cpu)})`);
  console.log(`  tiers at seed: ${JSON.stringify(r.seed.tiers)}; mean record ${r.seed.recordBytes} B`);

  console.log(`\n(a) raw Redis baseline, same server, pipelines of ${r.options['batch']}`);
  console.log(`  SET ${n(b.setOpsPerS)}/s   GET ${n(b.getOpsPerS)}/s   MGET ${n(b.mgetKeysPerS)} keys/s   (values of ${r.seed.recordBytes} B)`);
  console.log(`  HSET ${n(b.hsetOpsPerS)}/s   HGETALL ${n(b.hgetallOpsPerS)}/s   (8-field hash of the same size)`);

  const opsPerContact = 1 + r.recompute.written / Math.max(1, r.recompute.scanned);
  const ratio = r.recompute.contactsPerS / (b.getOpsPerS / opsPerContact);
  const per1M = (r.recompute.seconds * 1_000_000) / r.count;
  console.log(`\n(b) full recompute: ${n(r.recompute.scanned)} contacts in ${n(r.recompute.seconds, 2)} s = ${n(r.recompute.contactsPerS)}/s (cores ${cores(r.recompute.cpu)})`);
  const recomputeCpuUs = cpuUs(r.recompute.cpu, r.recompute.seconds, r.recompute.scanned);
  console.log(`  CPU per contact: bench ${recomputeCpuUs.bench} µs + Redis ${recomputeCpuUs.redis} µs (wall ${n((r.recompute.seconds * 1e6) / r.recompute.scanned, 2)} µs)`);
  console.log(`  written ${n(r.recompute.written)}, tier changes ${n(r.recompute.changed)}, re-done after a race ${r.recompute.retried}`);
  console.log(`  tiers after: ${JSON.stringify(r.recompute.tiers)}; Redis ops per contact ≈ ${opsPerContact.toFixed(2)} (1 read + writes)`);
  const nightlyCpuUs = cpuUs(r.nightly.cpu, r.nightly.seconds, r.nightly.scanned);
  const nightlyPer1M = (r.nightly.seconds * 1_000_000) / r.count;
  console.log(`(b') again at the same moment (the nightly steady state: nothing to write): ${n(r.nightly.scanned)} in ${n(r.nightly.seconds, 2)} s = ${n(r.nightly.contactsPerS)}/s, written ${r.nightly.written}`);
  console.log(`  CPU per contact: bench ${nightlyCpuUs.bench} µs + Redis ${nightlyCpuUs.redis} µs (cores ${cores(r.nightly.cpu)})`);

  console.log(`\n(c) due-only re-evaluation (${n(r.due.total)} due a week later)`);
  const dueCpuUs = cpuUs(r.due.cpu, (r.due.usPerContact * r.due.done) / 1e6, r.due.done);
  console.log(`  batch job (reevaluateDueTiers, pipelined batches of ${r.options['batch']}): ${n(r.due.done)} contacts, ${n(r.due.usPerContact, 1)} µs each (CPU: bench ${dueCpuUs.bench} + Redis ${dueCpuUs.redis} µs), ${n(r.due.changed)} tier changes`);
  console.log(`    cores ${cores(r.due.cpu)}`);
  if (r.due.portDone > 0) console.log(`  one by one (reevaluateTier via ContactStore, 64 in flight): ${n(r.due.portDone)} contacts, ${n(r.due.portUsPerContact, 1)} µs each`);

  console.log(`\n(d) Redis memory: ${n(r.memory.perContact)} B per contact (used_memory ${n(r.memory.before / 2 ** 20, 1)} → ${n(r.memory.after / 2 ** 20, 1)} MiB)`);
  console.log(`  by kind (MEMORY USAGE): record ${n(m.record)}, history ${n(m.history)}, order ids ${n(m.orders)}, tier index ${n(m.tierIndex)}, rep index ${n(m.repIndex)}, due index ${n(m.dueIndex)}, follow-up index ${n(m.followUpIndex)}; ` +
    `keyspace tables etc. ${n(r.memory.perContact - m.record - m.history - m.orders - m.tierIndex - m.repIndex - m.dueIndex - m.followUpIndex)}`);

  console.log('\nTargets');
  console.log(targetLine('full recompute (b), 13 % changed, seconds per 1M contacts', n(per1M, 2), `≤ ${T.recomputeSecondsPer1M} s`, per1M <= T.recomputeSecondsPer1M));
  console.log(targetLine('full recompute (b\'), steady state, seconds per 1M', n(nightlyPer1M, 2), `≤ ${T.recomputeSecondsPer1M} s`, nightlyPer1M <= T.recomputeSecondsPer1M));
  console.log(targetLine('recompute contacts/s ÷ (GET ops/s ÷ ops per contact)', ratio.toFixed(3), `≥ ${T.ratio}`, ratio >= T.ratio));
  console.log(targetLine('Redis bytes per contact', n(r.memory.perContact), `≤ ${T.bytesPerContact}`, r.memory.perContact <= T.bytesPerContact));

  const checks = {
    everyContactTiered: sum(r.recompute.tiers) === r.count,
    recomputeScannedAll: r.recompute.scanned >= r.count,
    steadyStateWritesNothing: r.nightly.written === 0 && r.nightly.scanned === r.count,
    dueSampleDone: r.due.done === Math.min(r.due.total, Number(r.options['dueSample'])),
  };
  const ok = Object.values(checks).every(Boolean);
  console.log(`\nCorrectness: ${JSON.stringify(checks)} → ${ok ? 'OK' : 'FAILED'}`);
  console.log(JSON.stringify({
    bench: 'tiers', count: r.count, options: r.options,
    seed: { ...r.seed, seconds: round(r.seed.seconds, 2), contactsPerS: round(r.seed.contactsPerS, 0) },
    memory: { ...r.memory, perContact: round(r.memory.perContact, 1), breakdown: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v, 1)])) },
    baseline: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round(v, 0)])),
    recompute: { ...r.recompute, cpuUsPerContact: recomputeCpuUs, seconds: round(r.recompute.seconds, 3), contactsPerS: round(r.recompute.contactsPerS, 0), secondsPer1M: round(per1M, 3), opsPerContact: round(opsPerContact, 3), ratio: round(ratio, 4) },
    nightly: { ...r.nightly, cpuUsPerContact: nightlyCpuUs, seconds: round(r.nightly.seconds, 3), contactsPerS: round(r.nightly.contactsPerS, 0), secondsPer1M: round(nightlyPer1M, 3) },
    due: { ...r.due, cpuUsPerContact: dueCpuUs, usPerContact: round(r.due.usPerContact, 2), portUsPerContact: round(r.due.portUsPerContact, 2) },
    targets: T, checks, ok,
  }));
  return ok ? 0 : 1;
}
