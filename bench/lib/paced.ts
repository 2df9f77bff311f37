import http from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import type { LoadResult } from './load.ts';
import type { SealedRequest } from './messages.ts';

/**
 * Open-loop fixed-rate load: request i is due at start + i/rate, whatever happened to
 * earlier ones, and its latency is counted from that due time (so queueing behind a slow
 * response is measured, not hidden — no coordinated omission). autocannon's overallRate
 * instead lets each connection fire its per-second quota back to back at every second
 * boundary, i.e. short bursts at full speed; this generator complements it.
 */
export async function runPaced(opts: {
  url: string;
  rate: number;
  durationS: number;
  maxSockets: number;
  next: () => SealedRequest;
}): Promise<LoadResult> {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  const histogram = createHistogram();
  const statusCodes: Record<string, number> = {};
  const unanswered: SealedRequest[] = [];
  let ok2xx = 0;
  let errors = 0;
  const pending = new Set<SealedRequest>();
  let drained: (() => void) | undefined;

  const send = (message: SealedRequest, dueAt: number): void => {
    pending.add(message);
    const done = (): void => {
      pending.delete(message);
      if (pending.size === 0) drained?.();
    };
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: message.path,
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': message.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status >= 200 && status < 300) ok2xx++;
          histogram.record(Math.max(1, Math.round((performance.now() - dueAt) * 1000)));
          done();
        });
      },
    );
    req.on('error', () => {
      if (!pending.has(message)) return;
      errors++;
      unanswered.push(message);
      done();
    });
    req.end(message.body);
  };

  const started = performance.now();
  const total = Math.floor(opts.rate * opts.durationS);
  let sent = 0;
  while (sent < total) {
    const elapsedMs = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsedMs * opts.rate) / 1000) + 1);
    for (; sent < due; sent++) send(opts.next(), started + (sent * 1000) / opts.rate);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (pending.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (drained = resolve)),
      new Promise((resolve) => (timer = setTimeout(resolve, 15_000))),
    ]);
    clearTimeout(timer);
  }
  // Still pending after 15 s: count as unanswered (the caller re-sends them).
  const timeouts = pending.size;
  unanswered.push(...pending);
  pending.clear();
  agent.destroy();
  return {
    rps: (histogram.count * 1000) / (performance.now() - started),
    p50Ms: histogram.count ? histogram.percentile(50) / 1000 : NaN,
    p99Ms: histogram.count ? histogram.percentile(99) / 1000 : NaN,
    maxMs: histogram.count ? histogram.max / 1000 : NaN,
    responses: histogram.count,
    ok2xx,
    non2xx: histogram.count - ok2xx,
    errors,
    timeouts,
    statusCodes,
    unanswered,
  };
}
