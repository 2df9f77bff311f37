import type { JobsOptions } from 'bullmq';

/** `contacts.sync` on `contacts`: read every (customer, rep) pair from WeCom, then reconcile removals. */
export const CONTACT_SYNC_JOB_NAME = 'contacts.sync';

/** When the nightly reconciliation runs, in FENJI_TIMEZONE: before the 03:30 tier recompute. */
export const CONTACT_SYNC_CRON = '30 2 * * *';

/** A contact sync's data; the first attempt fixes `startedAt` and `reps`, so a resumed run reads the same batches. */
export interface ContactSyncJobData {
  trigger: 'manual' | 'nightly';
  /** When the pass started (ms): relations found gone are marked removed as of then. */
  startedAt?: number;
  /** get_follow_user_list as read on the first attempt. */
  reps?: string[];
}

/**
 * A sync resumes from its saved progress, so retries are cheap: backoff from 10 s (≈ 85 min
 * over 10 attempts). Rate limits do not use attempts. Kept for a look afterwards.
 */
export const CONTACT_SYNC_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
  removeOnComplete: { count: 50 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
