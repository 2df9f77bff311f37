import { createHistogram } from 'node:perf_hooks';
import autocannon, { type Client } from 'autocannon';
import type { SealedRequest } from './messages.ts';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** Fixed overall rate (req/s); closed-loop max throughput when absent. */
  overallRate?: number;
  next: () => SealedRequest;
}

export interface LoadResult {
  /** autocannon's mean of per-second completed-request samples. */
  rps: number;
  /** Latency from our own µs-resolution histogram over every response (ms). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /**
   * Requests written but never answered: in flight when autocannon stopped (it destroys
   * its sockets on the last tick), timed out, or lost with a socket error. The server may
   * or may not have enqueued them, so the caller re-sends them (dedupe makes that exact).
   */
  unanswered: SealedRequest[];
}

/**
 * One autocannon run with every request drawn from `next()` (pipelining 1, as WeCom sends).
 * Each connection gets its own request iterator via setupClient, so we know which message
 * each connection has in flight.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const histogram = createHistogram();
  const unanswered: SealedRequest[] = [];
  const inFlight = new Set<{ current: SealedRequest | undefined }>();

  const setupClient = (client: Client): void => {
    const slot: { current: SealedRequest | undefined } = { current: undefined };
    inFlight.add(slot);
    client.on('response', (_status: number, _bytes: number, ms: number) => {
      slot.current = undefined;
      histogram.record(Math.max(1, Math.round(ms * 1000)));
    });
    client.setRequests([
      {
        method: 'POST',
        setupRequest: (req) => {
          // With pipelining 1 a new request is built only after a response, a timeout or
          // a reconnect: a message still in the slot was never answered.
          if (slot.current) unanswered.push(slot.current);
          const message = opts.next();
          slot.current = message;
          req.path = message.path;
          req.body = message.body;
          return req;
        },
      },
    ]);
  };

  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        connections: opts.connections,
        duration: opts.durationS,
        // The first request of each client is replaced in setupClient; this one is never sent.
        requests: [{ method: 'POST', body: '' }],
        setupClient,
        ...(opts.overallRate
          ? {
              overallRate: Math.max(1, Math.round(opts.overallRate)),
              // autocannon's correction uses an expected interval of ceil(1/rate) = 1 ms,
              // which adds a fake sample per ms of latency; our histogram ignores it anyway.
              ignoreCoordinatedOmission: true,
            }
          : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        for (const slot of inFlight) if (slot.current) unanswered.push(slot.current);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = Number(count);
        resolve({
          rps: result.requests.average,
          p50Ms: histogram.count ? histogram.percentile(50) / 1000 : NaN,
          p99Ms: histogram.count ? histogram.percentile(99) / 1000 : NaN,
          maxMs: histogram.count ? histogram.max / 1000 : NaN,
          responses: histogram.count,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          unanswered,
        });
      },
    );
  });
}
