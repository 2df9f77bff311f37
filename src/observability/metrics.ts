import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What became of a callback (the `outcome` label of fenji_callbacks_total and
 * fenji_callback_duration_seconds): the one list of its values.
 */
export const CALLBACK_OUTCOMES = {
  accepted: 'new, queued or spooled',
  duplicate: 'seen before, not queued again',
  rejected: 'refused: unsigned, forged, stale, malformed or too large',
  unusable: 'signed but unusable (e.g. an absurd id): answered 200 and dropped',
  aborted: 'the client hung up mid-body: nobody to answer',
  unavailable: 'could not be stored (Redis and spool failed): 5xx, WeCom retries',
} as const;
export type CallbackOutcome = keyof typeof CALLBACK_OUTCOMES;

/** What became of a welcome job (the `outcome` label of fenji_welcomes_total): the one list of its values. */
export const WELCOME_OUTCOMES = {
  sent: 'WeCom took the welcome message',
  late: "dropped unsent: past WeCom's 20 s from the add event",
  invalid_code: 'WeCom refused the WelcomeCode (41050 invalid or expired, 41051 already used): not retried',
  failed: 'not sent: a refusal no retry can change, or transient failures until the 20 s ran out',
} as const;
export type WelcomeOutcome = keyof typeof WELCOME_OUTCOMES;

/** Prometheus metrics of one process (web and worker roles may be separate processes). */
export interface Metrics {
  registry: Registry;
  callbacks: Counter<'outcome'>;
  callbackDuration: Histogram<'outcome'>;
  jobLatency: Histogram<'queue'>;
  queueJobs: Gauge<'queue' | 'state'>;
  spoolBytes: Gauge;
  welcomes: Counter<'outcome'>;
  /** Add event (its CreateTime) → WeCom answered send_welcome_msg, for sent welcomes. */
  welcomeLatency: Histogram;
}

/** The process's metrics; queue and spool gauges are refreshed by GET /metrics (http/routes/health.ts). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fenji_' });
  const callbacks = new Counter({
    name: 'fenji_callbacks_total',
    help: `WeCom callbacks by outcome: ${Object.entries(CALLBACK_OUTCOMES).map(([o, what]) => `${o} (${what})`).join(', ')}`,
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Every outcome from 0, so that rate() and alerts see a series before its first event.
  for (const outcome of Object.keys(CALLBACK_OUTCOMES)) callbacks.inc({ outcome }, 0);
  const welcomes = new Counter({
    name: 'fenji_welcomes_total',
    help: `Welcome jobs by outcome: ${Object.entries(WELCOME_OUTCOMES).map(([o, what]) => `${o} (${what})`).join(', ')}`,
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of Object.keys(WELCOME_OUTCOMES)) welcomes.inc({ outcome }, 0);
  return {
    registry,
    callbacks,
    callbackDuration: new Histogram({
      name: 'fenji_callback_duration_seconds',
      help: 'Time to answer a WeCom callback',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobLatency: new Histogram({
      name: 'fenji_job_latency_seconds',
      help: 'Time from a callback being answered to its job finishing',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    queueJobs: new Gauge({
      name: 'fenji_queue_jobs',
      help: 'Jobs per queue and state, read at scrape time',
      labelNames: ['queue', 'state'],
      registers: [registry],
    }),
    spoolBytes: new Gauge({
      name: 'fenji_spool_bytes',
      help: 'Bytes of callbacks in the local spool waiting for Redis',
      registers: [registry],
    }),
    welcomes,
    welcomeLatency: new Histogram({
      name: 'fenji_welcome_latency_seconds',
      // CreateTime has whole seconds: a value may be up to 1 s high. It is WeCom's own count
      // towards the 20 s, so the top buckets show how close welcomes come to being refused.
      help: "Time from an add event (its CreateTime, whole seconds) to WeCom answering the welcome message; WeCom's limit is 20 s",
      buckets: [0.25, 0.5, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20],
      registers: [registry],
    }),
  };
}
