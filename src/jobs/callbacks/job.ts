import type { JobsOptions } from 'bullmq';
import type { WeComEvent } from '../../wecom/events.ts';

export const CALLBACK_JOB_NAME = 'callback.handle';

/** Payload of a `callback.handle` job: a verified, decrypted, parsed WeCom callback. */
export interface CallbackJobData {
  dedupeKey: string;
  /** When Fenji answered WeCom (ms since epoch). */
  receivedAt: number;
  event: WeComEvent;
}

/**
 * Completed callback jobs stay an hour (ids double as a dedupe guard while they exist);
 * failed ones stay a week as the dead-letter store.
 */
export const CALLBACK_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
