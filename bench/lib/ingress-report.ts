import type { JobCount } from './fenji.ts';
import type { MicroResult } from './micro.ts';
import { phaseTable, round, targetLine, type PhaseSummary } from './report.ts';

export const INGRESS_TARGETS = { ratio: 0.15, p99At70Ms: 50, cryptoUs: 20 };

export interface IngressResults {
  header: Record<string, unknown>;
  micro: MicroResult[];
  connections: number;
  fixedPercent: number;
  baseline: PhaseSummary;
  /** The baseline server paced at Fenji's fixed rate: the load generator's own latency floor. */
  baselinePaced?: PhaseSummary;
  fenji: { startupMs: number; warmup?: PhaseSummary; peak: PhaseSummary; fixedRate: number; fixed?: PhaseSummary; paced?: PhaseSummary };
  jobs: JobCount;
  prefix: string;
  totals: { ok2xx: number; resentOk: number; resentFailed: number; non2xx: number; poolFillMs: number };
  spooled: number;
  messagesSent: number;
  meanPlaintextBytes: number;
  fenjiWarnings: string[];
}

/** Prints the HTTP tables, targets and correctness check, then the JSON line; returns ok. */
export function printIngress(r: IngressResults): boolean {
  const T = INGRESS_TARGETS;
  const { fenji, baseline, totals } = r;
  const phases: [string, PhaseSummary][] = [['(a) node:http baseline, peak', baseline], ['(b) Fenji, peak', fenji.peak]];
  if (fenji.warmup) phases.splice(1, 0, ['(b) Fenji, warm-up', fenji.warmup]);
  if (fenji.fixed) phases.push([`(b) Fenji @${r.fixedPercent}% autocannon overallRate`, fenji.fixed]);
  if (fenji.paced) phases.push([`(b) Fenji @${r.fixedPercent}% paced open-loop`, fenji.paced]);
  if (r.baselinePaced) phases.push([`(a) node:http paced, same rate (control)`, r.baselinePaced]);
  console.log(`\nHTTP: autocannon 9 (programmatic), -c ${r.connections}, pipelining 1, ~1 KB unique signed+encrypted callbacks`);
  console.log(phaseTable(phases));
  console.log('  latency: µs histogram over every response; paced = measured from each request\'s due time');
  console.log('  unans = in flight when the phase stopped (re-sent to Fenji afterwards); CPU = cores used during the phase;');
  console.log('  other = all other processes on this shared machine, steal = hypervisor steal (high values = disturbed run)');
  console.log('  autocannon overallRate lets every connection send its per-second quota back to back at each second');
  console.log('  boundary (bursts at full speed); the paced run spreads requests evenly and is the fairer fixed-rate number');
  if ((baseline.cpu['loadgen'] ?? 0) >= 0.9) {
    console.log(`  note: during (a) the load generator used ${baseline.cpu['loadgen']} cores: the baseline is client-bound, so the` +
      ' true node:http capacity is higher and the ratio below is an upper bound');
  }
  console.log('  Redis during the Fenji phases (each phase\'s jobs are counted, then drained; stalls = LATENCY LATEST, max ms):');
  for (const [name, p] of phases.filter(([, p]) => p.redis)) {
    const stalls = Object.entries(p.redis!.stalls).map(([event, ms]) => `${event} ${ms}`).join(', ') || 'none ≥ 20 ms';
    console.log(`    ${name.padEnd(38)} AOF rewrites ${p.redis!.aofRewrites}; stalls: ${stalls}`);
  }
  if (fenji.peak.generatedOnTheFly) console.log(`  note: the pool ran dry at peak; ${fenji.peak.generatedOnTheFly} messages were signed during the run on the load generator`);

  const ratio = fenji.peak.rps / baseline.rps;
  console.log('\nTargets (scenario S2)');
  console.log(targetLine('req/s ratio (b)/(a)', ratio.toFixed(3), `≥ ${T.ratio}`, ratio >= T.ratio));
  for (const [label, p] of [['autocannon overallRate', fenji.fixed], ['paced open-loop', fenji.paced]] as const) {
    if (p) console.log(targetLine(`p99 @${r.fixedPercent}% of peak (${fenji.fixedRate}/s), ${label}`, `${p.p99Ms.toFixed(2)} ms`, `< ${T.p99At70Ms} ms`, p.p99Ms < T.p99At70Ms));
  }
  for (const m of r.micro.filter((x) => x.name.startsWith('openCallback (text') || x.name.startsWith('signature'))) {
    console.log(targetLine(`${m.name} µs/msg`, m.medianUs.toFixed(2), `< ${T.cryptoUs} µs`, m.medianUs < T.cryptoUs));
  }

  const answered = totals.ok2xx + totals.resentOk;
  const match = r.jobs.total === answered && r.spooled === 0 && totals.resentFailed === 0;
  console.log(`\nCorrectness: jobs counted in Redis after each phase, summed (queue callbacks, prefix ${r.prefix}) = ${r.jobs.total} ${JSON.stringify(r.jobs.byState)}`);
  console.log(`  2xx answers = ${answered} (${totals.ok2xx} under load + ${totals.resentOk} re-sent after being in flight at a phase end)`);
  console.log(`  Fenji non-2xx = ${totals.non2xx}; re-send failures = ${totals.resentFailed}; spooled = ${r.spooled} → ${match ? 'MATCH' : 'MISMATCH (bug)'}`);
  console.log(`  messages sent to Fenji: ${r.messagesSent}, mean plaintext ${r.meanPlaintextBytes.toFixed(0)} B; signing them took ${(totals.poolFillMs / 1000).toFixed(1)} s, outside the measured phases`);
  if (r.fenjiWarnings.length) console.log(`  Fenji logged ${r.fenjiWarnings.length} warn/error lines; last:\n    ${r.fenjiWarnings.slice(-3).join('\n    ')}`);

  const ok = match && totals.non2xx === 0;
  console.log(JSON.stringify({
    bench: 'ingress', ...r.header,
    micro: r.micro.map((m) => ({ name: m.name.trim(), plaintextBytes: m.plaintextBytes, medianUs: round(m.medianUs, 2), runsUs: m.runsUs.map((u) => round(u, 2)) })),
    baseline, fenji, ratio: round(ratio, 4), targets: T,
    correctness: {
      jobs: r.jobs.total, jobsByState: r.jobs.byState, answered2xx: answered, resent: totals.resentOk, resendFailed: totals.resentFailed,
      fenjiNon2xx: totals.non2xx, spooled: r.spooled, match, messagesSent: r.messagesSent, fenjiWarnLines: r.fenjiWarnings.length,
    },
    ok,
  }));
  return ok;
}
