import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startLocalRedis } from '../src/adapters/redis/local-redis-server.ts';
import type { OptionSpec } from './lib/args.ts';
import { startCpuMeter } from './lib/cpu.ts';
import { countCallbackJobs, watchRedis, fenjiEnv, resend, spoolLines, warnLines, type JobCount } from './lib/fenji.ts';
import { INGRESS_TARGETS, printIngress } from './lib/ingress-report.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import { cyclingSource, MessagePool } from './lib/messages.ts';
import { runMicro } from './lib/micro.ts';
import { runPaced } from './lib/paced.ts';
import { detectPinning, onCleanup, pinPid, runScenario, spawnServer, waitForHttp } from './lib/procs.ts';
import { microTable, summarize, type PhaseSummary } from './lib/report.ts';

/**
 * Scenario S2 (README, 'Benchmarks'): the full WeCom callback ingress (verify, decrypt,
 * parse, dedupe, BullMQ add) against a bare node:http baseline measured in the same run,
 * plus the crypto path alone in-process.
 */
export const INGRESS_OPTIONS = [
  { name: 'warmup', default: 3, help: 'warm-up seconds before each peak run' },
  { name: 'duration', default: 10, help: 'seconds of each peak (max throughput) run', min: 1 },
  { name: 'connections', default: 50, help: 'concurrent connections (pipelining is always 1)', min: 1 },
  { name: 'fixedPercent', default: 70, help: 'fixed-rate runs at this % of the measured Fenji peak', min: 1 },
  { name: 'fixedDuration', default: 10, help: 'seconds of the autocannon overallRate run (0 = skip)' },
  { name: 'pacedDuration', default: 10, help: 'seconds of the open-loop paced run (0 = skip)' },
  { name: 'pacedWarmup', default: 2, help: 'unmeasured seconds at the same rate before each paced run (opens sockets, warms the load generator)' },
  { name: 'microIterations', default: 3000, help: 'messages per micro-benchmark batch', min: 1 },
  { name: 'microRuns', default: 5, help: 'micro-benchmark batches per case (median reported; 0 = skip)' },
  { name: 'tsx', default: 0, help: '1 = run Fenji from TypeScript with tsx (as npm start does) instead of the compiled build (as production and the Docker image do)', min: 0 },
  { name: 'redisCpu', default: 0, help: 'CPU for the private redis-server: 0 = beside the load generator (default: the server process gets a core of its own, as the baseline does, and Redis is infrastructure as in production), 1 = sharing the server\'s core', min: 0 },
] as const satisfies readonly OptionSpec[];

type Options = Record<(typeof INGRESS_OPTIONS)[number]['name'], number>;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ingress(argv: string[]): Promise<number> {
  return runScenario(INGRESS_OPTIONS, argv, run);
}

async function run(o: Options): Promise<number> {
  if (!o.tsx) {
    // Measure what production runs: the compiled build (tsx wraps every closure it creates).
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const pin = detectPinning();
  const cpus = os.availableParallelism(); // before pinning narrows our own affinity
  if (pin.enabled) pinPid(process.pid, 0);
  const cpu = pin.enabled ? 1 : undefined;
  // Each pool is signed right before its phase; only phases near 300 s need the check off.
  const maxAgeS = Math.max(o.warmup, o.duration, o.fixedDuration, o.pacedWarmup + o.pacedDuration) + 30 > 300 ? 0 : 300;
  console.log(`Fenji ingress bench — node ${process.version}, ${cpus} CPUs (${os.cpus()[0]?.model ?? '?'}), load avg ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`  ${pin.note}`);
  console.log(`  options: ${JSON.stringify(o)}; Fenji WECOM_CALLBACK_MAX_AGE_S=${maxAgeS}${maxAgeS === 0 ? ' (phases too long for 300 s)' : ''}`);

  const micro = o.microRuns > 0 ? runMicro({ iterations: o.microIterations, runs: o.microRuns }) : [];
  if (micro.length) {
    console.log(`\nCrypto path, in-process${pin.enabled ? ' on CPU 0' : ''}, ~1 KB messages (median of ${o.microRuns} × ${o.microIterations})`);
    console.log(microTable(micro, INGRESS_TARGETS.cryptoUs));
  }

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fenji-bench-'));
  onCleanup('temp dir', () => rmSync(tmp, { recursive: true, force: true }));
  const redis = await startLocalRedis({ dir: path.join(tmp, 'redis') });
  onCleanup('redis-server', () => redis.stop());
  if (pin.enabled && redis.process.pid) pinPid(redis.process.pid, o.redisCpu);
  const c = o.connections;

  // (a) Baseline: bare node:http on the same request bodies (round-robin: it does not dedupe).
  const basePool = new MessagePool();
  basePool.fill(2000);
  const baseNext = cyclingSource(Array.from({ length: 2000 }, basePool.next));
  const basePort = await freePort();
  const baseUrl = `http://127.0.0.1:${basePort}`;
  const baseline = spawnServer({
    name: 'baseline server', command: process.execPath, cwd: ROOT, env: process.env, cpu,
    args: ['--import', 'tsx', 'bench/lib/baseline-server.ts', String(basePort)], logFile: path.join(tmp, 'baseline.log'),
  });
  await waitForHttp(baseline, `${baseUrl}/`);
  progress(`(a) node:http: warm-up ${o.warmup} s, then ${o.duration} s at -c ${c}`);
  if (o.warmup > 0) await runLoad({ url: baseUrl, connections: c, durationS: o.warmup, next: baseNext });
  const baseCpu = startCpuMeter({ server: baseline.child.pid });
  const basePeakRaw = await runLoad({ url: baseUrl, connections: c, durationS: o.duration, next: baseNext });
  const basePeak = summarize(basePeakRaw, baseCpu());
  // The baseline stays up (idle) for a paced control run at Fenji's fixed rate at the end.

  // (b) Fenji, web role only, real mode with the sandbox credentials, private Redis.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const dataDir = path.join(tmp, 'fenji-data');
  const fenji = spawnServer({
    name: 'fenji', command: process.execPath, cwd: ROOT, cpu, logFile: path.join(tmp, 'fenji.log'),
    // The same node flags as `npm start` and the Docker image.
    args: ['--max-semi-space-size=32', ...(o.tsx ? ['--import', 'tsx', 'src/main.ts'] : ['dist/main.js']), '--role=web'],
    env: fenjiEnv({ port, redisUrl: redis.url, prefix, dataDir, maxAgeS }),
  });
  const startupMs = await waitForHttp(fenji, `${url}/healthz`);

  const pool = new MessagePool();
  const totals = { ok2xx: 0, resentOk: 0, resentFailed: 0, non2xx: 0, poolFillMs: 0 };
  const jobs: JobCount = { total: 0, byState: {} };
  /**
   * Signs a fresh pool, runs one load phase, re-sends what was left unanswered, then counts
   * the phase's jobs and drains them (countCallbackJobs says why).
   */
  const phase = async (poolSize: number, load: () => Promise<LoadResult>): Promise<PhaseSummary> => {
    totals.poolFillMs += pool.fill(Math.ceil(poolSize));
    const before = pool.generatedOnTheFly;
    const redisEvents = await watchRedis(redis.url);
    const meter = startCpuMeter({ server: fenji.child.pid, redis: redis.process.pid });
    const result = await load();
    const cpuShare = meter();
    const redisSide = await redisEvents();
    totals.ok2xx += result.ok2xx;
    totals.non2xx += result.non2xx;
    if (result.unanswered.length > 0) {
      const again = await resend(url, result.unanswered);
      totals.resentOk += again.ok2xx;
      totals.resentFailed += again.other;
    }
    const counted = await countCallbackJobs(redis.url, prefix, { drain: true });
    jobs.total += counted.total;
    for (const [state, n] of Object.entries(counted.byState)) jobs.byState[state] = (jobs.byState[state] ?? 0) + n;
    return { ...summarize(result, cpuShare, pool.generatedOnTheFly - before), redis: redisSide };
  };

  progress(`(b) Fenji (ready in ${startupMs} ms): warm-up ${o.warmup} s, then ${o.duration} s at -c ${c}`);
  const guess = Math.max(1000, basePeak.rps * INGRESS_TARGETS.ratio);
  const warmup = o.warmup > 0 ? await phase(guess * o.warmup, () => runLoad({ url, connections: c, durationS: o.warmup, next: pool.next })) : undefined;
  // Warm-up still runs partly unoptimised code: size the peak pool generously.
  const peak = await phase(Math.max(warmup?.rps ?? guess, 500) * 2.5 * o.duration + c, () =>
    runLoad({ url, connections: c, durationS: o.duration, next: pool.next }));

  const fixedRate = Math.max(1, Math.round((peak.rps * o.fixedPercent) / 100));
  let fixed: PhaseSummary | undefined;
  let paced: PhaseSummary | undefined;
  if (o.fixedDuration > 0) {
    progress(`(b) Fenji at ${o.fixedPercent}% of peak = ${fixedRate} req/s: autocannon overallRate, ${o.fixedDuration} s`);
    fixed = await phase(fixedRate * o.fixedDuration * 1.1 + c, () =>
      runLoad({ url, connections: c, durationS: o.fixedDuration, overallRate: fixedRate, next: pool.next }));
  }
  if (o.pacedDuration > 0) {
    progress(`(b) Fenji at ${fixedRate} req/s: open-loop paced, ${o.pacedWarmup} s unmeasured, then ${o.pacedDuration} s`);
    paced = await phase(fixedRate * (o.pacedWarmup + o.pacedDuration) + 10, () =>
      runPaced({ url, rate: fixedRate, durationS: o.pacedDuration, warmupS: o.pacedWarmup, maxSockets: c, next: pool.next }));
  }

  // Control: the same paced load on the bare server shows the load generator's own latency
  // floor (its pauses count against every server alike).
  let baselinePaced: PhaseSummary | undefined;
  if (o.pacedDuration > 0) {
    progress(`(a) node:http at ${fixedRate} req/s: open-loop paced control, ${o.pacedWarmup} s unmeasured, then ${o.pacedDuration} s`);
    const controlCpu = startCpuMeter({ server: baseline.child.pid });
    baselinePaced = summarize(await runPaced({ url: baseUrl, rate: fixedRate, durationS: o.pacedDuration, warmupS: o.pacedWarmup, maxSockets: c, next: baseNext }), controlCpu());
  }
  await baseline.stop();

  const spooled = spoolLines(dataDir);
  await fenji.stop();
  const ok = printIngress({
    header: { node: process.version, cpus, pinned: pin.enabled, loadAvg1m: os.loadavg()[0], options: o, maxAgeS },
    micro, connections: c, fixedPercent: o.fixedPercent, baseline: basePeak, baselinePaced,
    fenji: { startupMs, warmup, peak, fixedRate, fixed, paced },
    jobs, prefix, totals, spooled,
    messagesSent: pool.issued, meanPlaintextBytes: pool.meanPlaintextBytes(),
    fenjiWarnings: warnLines(readFileSync(fenji.logFile, 'utf8')),
  });
  return ok ? 0 : 1;
}

function progress(message: string): void {
  console.log(`· ${message}`);
}
