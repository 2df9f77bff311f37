import type { RedisPhaseEvents } from './fenji.ts';
import type { CpuShare } from './cpu.ts';
import type { LoadResult } from './load.ts';
import type { MicroResult } from './micro.ts';

/** What a load phase contributes to the report (the unanswered messages become a count). */
export interface PhaseSummary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  unanswered: number;
  statusCodes: Record<string, number>;
  /** What Redis went through during the phase (AOF rewrites, its own stalls ≥ 20 ms). */
  redis?: RedisPhaseEvents;
  /** Messages the load generator had to build during the phase (pool ran dry). */
  generatedOnTheFly?: number;
  /** Cores used during the phase by the server, Redis and the load generator. */
  cpu: CpuShare;
}

export function summarize(r: LoadResult, cpu: CpuShare, generatedOnTheFly?: number): PhaseSummary {
  return {
    rps: round(r.rps, 1),
    p50Ms: round(r.p50Ms, 3),
    p99Ms: round(r.p99Ms, 3),
    maxMs: round(r.maxMs, 3),
    ok2xx: r.ok2xx,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    unanswered: r.unanswered.length,
    statusCodes: r.statusCodes,
    cpu,
    ...(generatedOnTheFly === undefined ? {} : { generatedOnTheFly }),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Number.isFinite(value) ? Math.round(value * f) / f : value;
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

export function microTable(results: MicroResult[], targetUs: number): string {
  const lines = [`  ${'case'.padEnd(38)} ${pad('plain B', 8)} ${pad('µs/msg', 8)}  runs (µs)`];
  for (const r of results) {
    const runs = r.runsUs.map((u) => u.toFixed(1)).join(' ');
    const target = r.name.startsWith('openCallback') || r.name.startsWith('signature')
      ? `  target < ${targetUs} µs: ${verdict(r.medianUs < targetUs)}`
      : '';
    lines.push(`  ${r.name.padEnd(38)} ${pad(r.plaintextBytes, 8)} ${pad(r.medianUs.toFixed(2), 8)}  [${runs}]${target}`);
  }
  return lines.join('\n');
}

export function phaseTable(rows: [string, PhaseSummary][]): string {
  const head = `  ${'run'.padEnd(40)} ${pad('req/s', 9)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('max ms', 8)} ${pad('2xx', 8)} ${pad('non2xx', 7)} ${pad('err', 5)} ${pad('unans', 6)}  CPU cores srv/redis/gen other/steal`;
  const lines = [head];
  for (const [name, p] of rows) {
    lines.push(
      `  ${name.padEnd(40)} ${pad(p.rps.toFixed(0), 9)} ${pad(p.p50Ms.toFixed(2), 8)} ${pad(p.p99Ms.toFixed(2), 8)} ` +
        `${pad(p.maxMs.toFixed(1), 8)} ${pad(p.ok2xx, 8)} ${pad(p.non2xx, 7)} ${pad(p.errors + p.timeouts, 5)} ${pad(p.unanswered, 6)}  ${cpuText(p.cpu)}`,
    );
  }
  return lines.join('\n');
}

export function targetLine(label: string, value: string, target: string, ok: boolean): string {
  return `  ${label.padEnd(56)} ${value.padStart(10)}   target ${target.padEnd(9)} ${verdict(ok)}`;
}

function cpuText(cpu: CpuShare): string {
  const f = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(2));
  return `${f(cpu['server'])}/${f(cpu['redis'])}/${f(cpu['loadgen'])} ${f(cpu['other'])}/${f(cpu['steal'])}`;
}
