import { startSandbox } from '../../src/sandbox/server.ts';

/**
 * The WeCom sandbox as a process of its own (bench/lib/sandbox-process.ts starts it): a
 * campaign bench measures Fenji's CPU, not WeCom's, and a million customers' relations on
 * Fenji's heap would make every one of its garbage collections longer. Prints its URL on
 * the first line; stops on SIGTERM. BENCH_SANDBOX_LATENCY_MS: latency on every WeCom call.
 */
const sandbox = await startSandbox({
  port: 0,
  latencyMs: { '*': Number(process.env['BENCH_SANDBOX_LATENCY_MS'] ?? 0) },
  maxRecordedCalls: 1_000_000,
});
console.log(`SANDBOX_URL=${sandbox.url}`);
process.once('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
