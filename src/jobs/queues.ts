import type { JobsOptions } from 'bullmq';
import type { WeComEvent } from '../wecom/events.ts';
import type { Tier } from '../domain/tiers/policy.ts';

/** Queue names: few, named by concern. */
export const QUEUE_NAMES = {
  callbacks: 'callbacks',
  system: 'system',
  /** Calls that write to WeCom (mark_tag); it alone carries their concurrency and rate limits. */
  wecomOutbound: 'wecom-outbound',
  /** Time-driven tier work: due re-evaluation and the nightly full recompute (concurrency 1). */
  tiers: 'tiers',
  /** kf/sync_msg pulls, one at a time (global concurrency 1) so cursors never race. */
  kf: 'kf',
  /** Full contact sync from WeCom and the nightly reconciliation, one at a time (global concurrency 1). */
  contacts: 'contacts',
  /** Value scoring of every contact (nightly or on demand), one run at a time (global concurrency 1). */
  value: 'value',
  /** Follow-up pushes: the planning run and the add_msg_template tasks it creates (jobs/followups/). */
  followups: 'followups',
} as const;

/** Payload of a `callback.handle` job: a verified, decrypted, parsed WeCom callback. */
export interface CallbackJobData {
  dedupeKey: string;
  /** When Fenji answered WeCom (ms since epoch). */
  receivedAt: number;
  event: WeComEvent;
}

export const CALLBACK_JOB_NAME = 'callback.handle';
export const KF_SYNC_JOB_NAME = 'kf.sync';

/** Payload of a `kf.sync` job: pull one 微信客服 account's new messages. */
export interface KfSyncJobData {
  openKfId: string;
  /** The kf_msg_or_event callback's Token (valid 10 minutes; redacted from logs). */
  token: string;
  receivedAt: number;
}

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

/** Like callback jobs (retried with backoff, failures kept a week), fewer kept when done. */
export const KF_SYNC_JOB_OPTIONS: JobsOptions = {
  ...CALLBACK_JOB_OPTIONS,
  removeOnComplete: { age: 3600, count: 10_000 },
};

/** mark_tag calls in flight across the deployment (WeCom: ≤5 concurrent, 45033 beyond; docs/wecom/api.md, 'Rate limits'). */
export const MARK_TAG_CONCURRENCY = 5;

/** `tier.tag` on wecom-outbound: mirror a contact's current tier as a WeCom corp tag. */
export const TIER_TAG_JOB_NAME = 'tier.tag';
export const TIERS_DUE_JOB_NAME = 'tiers.reevaluate-due';
export const TIERS_RECOMPUTE_JOB_NAME = 'tiers.recompute-all';

/** The change that caused a `tier.tag` job; the job mirrors whatever tier is stored when it runs. */
export interface TierTagJobData {
  externalUserId: string;
  tier: string;
  at: number;
}

/**
 * Completed tier.tag jobs stay a day (their ids make a replayed change a no-op meanwhile);
 * retries back off from 2 s (2, 4, 8 … ≈ 17 min in all). Rate limits do not use attempts.
 */
export const TIER_TAG_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 86_400, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** `contacts.sync` on `contacts`: read every (customer, rep) pair from WeCom, then reconcile removals. */
export const CONTACT_SYNC_JOB_NAME = 'contacts.sync';

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

/** `value.score-all` on `value`: every buyer's value score, grade and quadrant (jobs/value-worker.ts). */
export const VALUE_JOB_NAME = 'value.score-all';

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

/** `followups.plan` on `followups`: finds the contacts due a follow-up and queues one send per (rep, tier). */
export const FOLLOWUPS_PLAN_JOB_NAME = 'followups.plan';
/** `followups.send` on `followups`: one add_msg_template task for one rep's due contacts of one tier. */
export const FOLLOWUPS_SEND_JOB_NAME = 'followups.send';

/** A followups.send job: who sends, which tier's text, to whom (≤ 10,000, WeCom's limit). */
export interface FollowUpSendJobData {
  rep: string;
  tier: Tier;
  externalUserIds: string[];
  /** When the planning run found them due (ms). */
  plannedAt: number;
}

/** `followups.result` on `followups`: reads back who a created task reached (get_groupmsg_send_result). */
export const FOLLOWUPS_RESULT_JOB_NAME = 'followups.result';

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
