import type { JobsOptions } from 'bullmq';
import type { WeComEvent } from '../wecom/events.ts';

/** Queue names: few, named by concern (STYLE.md §3.6). */
export const QUEUE_NAMES = {
  callbacks: 'callbacks',
  system: 'system',
} as const;

/** Payload of a `callback.handle` job: a verified, decrypted, parsed WeCom callback. */
export interface CallbackJobData {
  dedupeKey: string;
  /** When Fenji answered WeCom (ms since epoch). */
  receivedAt: number;
  event: WeComEvent;
}

export const CALLBACK_JOB_NAME = 'callback.handle';
export const HEARTBEAT_JOB_NAME = 'system.heartbeat';

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
