import type { JobsOptions } from 'bullmq';

/** `value.score-all` on `value`: every buyer's value score, grade and quadrant (jobs/value/). */
export const VALUE_JOB_NAME = 'value.score-all';

/** When the nightly value scoring runs, in FENJI_TIMEZONE: after the 03:30 tier recompute. */
export const VALUE_CRON = '0 4 * * *';

/** A value job's data: who asked for it. */
export interface ValueJobData {
  trigger: 'manual' | 'nightly';
}

/** A run starts over when retried (two read passes, idempotent writes); kept for a look afterwards. */
export const VALUE_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { count: 50 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
