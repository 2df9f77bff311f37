import { Worker } from 'node:worker_threads';
import type { LoadResult } from './load.ts';
import type { SealedRequest } from './messages.ts';
import type { PacedWorkerInput, PacedWorkerResult } from './paced-worker.ts';

/**
 * Open-loop fixed-rate load: request i is due at start + i/rate, whatever happened to
 * earlier ones, and its latency is counted from that due time (so queueing behind a slow
 * response is measured, not hidden — no coordinated omission). autocannon's overallRate
 * instead lets each connection fire its per-second quota back to back at every second
 * boundary, i.e. short bursts at full speed; this generator complements it.
 *
 * The messages are drawn up front and packed into one buffer for a worker thread that
 * does the sending (paced-worker.ts), so neither this process's heap nor http.request's
 * allocations can pause the schedule. The first `warmupS` seconds run at the same rate
 * but are not measured: they open the sockets and warm the sender's code.
 */
export async function runPaced(opts: {
  url: string;
  rate: number;
  durationS: number;
  warmupS?: number;
  maxSockets: number;
  next: () => SealedRequest;
}): Promise<LoadResult & { slow: [number, number][] }> {
  const target = new URL(opts.url);
  const warmupS = opts.warmupS ?? 0;
  const messages = Array.from({ length: Math.floor(opts.rate * (warmupS + opts.durationS)) }, opts.next);
  const input: PacedWorkerInput = {
    packed: pack(messages),
    count: messages.length,
    host: target.hostname,
    port: Number(target.port),
    rate: opts.rate,
    warmupS,
    maxSockets: opts.maxSockets,
  };
  // The worker is TypeScript too; worker threads do not inherit tsx's loader from the CLI.
  const entry = new URL('./paced-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: input, transferList: [input.packed] });
  const result = await new Promise<PacedWorkerResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`paced load worker exited with code ${code} before reporting`)));
  });
  await worker.terminate();
  return {
    rps: (result.measured * 1000) / result.measuredWindowMs,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    maxMs: result.maxMs,
    responses: result.responses,
    ok2xx: result.ok2xx,
    non2xx: result.responses - result.ok2xx,
    errors: result.errors,
    timeouts: 0,
    statusCodes: result.statusCodes,
    unanswered: result.unanswered.map((i) => messages[i]!),
    slow: result.slow,
  };
}

/** [u32 path length][path, latin1][u32 body length][body] per message, in one buffer. */
function pack(messages: readonly SealedRequest[]): ArrayBuffer {
  const size = messages.reduce((sum, m) => sum + 8 + m.path.length + m.body.length, 0);
  const out = Buffer.from(new ArrayBuffer(size));
  let at = 0;
  for (const m of messages) {
    at = out.writeUInt32LE(m.path.length, at);
    at += out.write(m.path, at, 'latin1');
    at = out.writeUInt32LE(m.body.length, at);
    at += m.body.copy(out, at);
  }
  return out.buffer as ArrayBuffer;
}
