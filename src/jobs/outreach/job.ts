import type { JobsOptions } from 'bullmq';
import type { Tier } from '../../domain/tiers/policy.ts';

/** `followups.plan` on `followups`: finds the contacts due a follow-up and queues one send per (rep, tier). */
export const FOLLOWUPS_PLAN_JOB_NAME = 'followups.plan';
/** `followups.send` on `followups`: one add_msg_template task for one rep's due contacts of one tier. */
export const FOLLOWUPS_SEND_JOB_NAME = 'followups.send';
/** `followups.result` on `followups`: reads back who a created task reached (get_groupmsg_send_result). */
export const FOLLOWUPS_RESULT_JOB_NAME = 'followups.result';

/** How often the follow-up planning run looks for contacts due (only acts inside the send window). */
export const FOLLOWUPS_PLAN_EVERY_MS = 15 * 60_000;

/**
 * Jobs in flight on the followups queue, here and across the deployment: a planning run
 * beside a send, or two sends. WeCom publishes no concurrency limit for add_msg_template;
 * 45033 would only delay a send (rethrowForJob).
 */
export const FOLLOWUPS_CONCURRENCY = 2;

/** A followups.send job: who sends, which tier's text, to whom (≤ 10,000, WeCom's limit). */
export interface FollowUpSendJobData {
  rep: string;
  tier: Tier;
  externalUserIds: string[];
  /** When the planning run found them due (ms). */
  plannedAt: number;
}

/** A followups.result job: one rep's part of one task, and whom it still waits for. */
export interface FollowUpResultJobData {
  msgid: string;
  rep: string;
  /** The send job that created the task: it owns the recipients' claims. */
  sendJobId: string;
  /** When the task was created (ms): the confirmation limit counts from it. */
  createdAt: number;
  /** Recipients whose status is not known yet (status 0 at the last check). */
  pending: string[];
  /** When the job means to check next (ms, Fenji's clock; BullMQ's delay is the same span). */
  checkAt: number;
}

/** Data on the followups queue: a send's, a result check's, or nothing (a planning run). */
export type FollowUpJobData = FollowUpSendJobData | FollowUpResultJobData | Record<string, never>;

/**
 * Sends are retried with backoff (rate limits and quiet hours wait without using an
 * attempt); completed ones stay a day, so a retried planning run finds its own sends;
 * failed ones a week.
 */
export const FOLLOWUP_SEND_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Result checks wait between reads without using attempts (moved to delayed); errors are
 * retried with backoff. Completed ones stay a day (a retried send finds its check by id).
 */
export const FOLLOWUP_RESULT_JOB_OPTIONS: JobsOptions = FOLLOWUP_SEND_JOB_OPTIONS;
