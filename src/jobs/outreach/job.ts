import type { JobsOptions } from 'bullmq';
import type { OutreachKind } from '../../domain/outreach/outreach.ts';
import type { Tier } from '../../domain/tiers/policy.ts';

/** `outreach.plan` on `outreach`: runs every planner, applies the guards, claims, and queues the sends. */
export const OUTREACH_PLAN_JOB_NAME = 'outreach.plan';
/** `outreach.send` on `outreach-sends`: one add_msg_template task for one (rep, kind, tier, text) group. */
export const OUTREACH_SEND_JOB_NAME = 'outreach.send';
/** `outreach.result` on `outreach`: reads back who a created task reached (get_groupmsg_send_result). */
export const OUTREACH_RESULT_JOB_NAME = 'outreach.result';
/** `outreach.notify` on `outreach`: one rep's list of today's A customers for one occasion (message/send). */
export const OUTREACH_NOTIFY_JOB_NAME = 'outreach.notify';

/**
 * The old names, on the old `followups` queue: jobs an existing deployment queued before
 * the upgrade are still handled (jobs/outreach/legacy.ts), never failed as unknown.
 */
export const FOLLOWUPS_PLAN_JOB_NAME = 'followups.plan';
export const FOLLOWUPS_SEND_JOB_NAME = 'followups.send';
export const FOLLOWUPS_RESULT_JOB_NAME = 'followups.result';

/** How often the planning run looks for customers due (each planner knows its own hour). */
export const OUTREACH_PLAN_EVERY_MS = 15 * 60_000;

/** Planning runs, read-backs and A lists in flight, here and across the deployment. */
export const OUTREACH_CONCURRENCY = 2;
/**
 * add_msg_template sends in flight, here and across the deployment. WeCom publishes no
 * concurrency limit for it (45033 only delays a send); the configured per-minute quota is
 * what bounds them (limiter.ts). This only has to cover each send's latency: at WeCom's
 * 10,000 a minute (~170 a second) and ~100 ms a send, ~17 in flight; with 5, a 3,000 a
 * minute campaign reached 0.3-0.8 of its quota in the campaign bench.
 */
export const OUTREACH_SEND_CONCURRENCY = 20;

/** Recipients of one group, packed: ids, their occasions once each, and which is whose. */
export interface PackedRecipients {
  externalUserIds: string[];
  /** Distinct occasion keys. */
  occasions: string[];
  /** Per recipient, its occasion's index; absent when there is one occasion. */
  occasionOf?: number[];
}

/** A outreach.send job: one 企业群发 from `rep` to ≤ 10,000 customers of one kind and tier. */
export interface OutreachSendJobData extends PackedRecipients {
  kind: OutreachKind;
  rep: string;
  tier: Tier;
  text: string;
  label: string;
  /** When the items were claimed: names the ledger's day and cap period. */
  claimedAt: number;
  /** Not before this (the occasion's hour). */
  notBefore: number;
}

/** A outreach.result job: one rep's part of one task, and whom it still waits for. */
export interface OutreachResultJobData {
  msgid: string;
  rep: string;
  /** The send job that created the task: it owns the recipients' marks. */
  sendJobId: string;
  /** When the task was created (ms): the confirmation limit counts from it. */
  createdAt: number;
  /** Recipients whose status is not known yet (status 0 at the last check). */
  pending: string[];
  /** When the job means to check next (ms, Fenji's clock; BullMQ's delay is the same span). */
  checkAt: number;
  /** The ledger's claim instant and the pending recipients' occasions (absent: a task of the old followups queue). */
  claimedAt?: number;
  occasions?: string[];
  occasionOf?: number[];
}

/** One line of a rep's A list. */
export interface NotifyItem {
  externalUserId: string;
  occasionKey: string;
  tier: Tier;
  /** The ready-to-send text, naming the customer. */
  text: string;
  /** Who the rep looks for: their remark, else their WeCom name. */
  name: string;
}

/** A outreach.notify job: `rep`'s A customers to greet personally for one occasion today. */
export interface OutreachNotifyJobData {
  kind: OutreachKind;
  rep: string;
  label: string;
  claimedAt: number;
  notBefore: number;
  items: NotifyItem[];
}

/**
 * Sends are retried with backoff (rate limits and quiet hours wait without using an
 * attempt); completed ones stay a day, so a retried planning run finds its own sends;
 * failed ones a week.
 */
export const OUTREACH_SEND_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Read-backs wait between reads without using attempts; errors are retried with backoff. */
export const OUTREACH_RESULT_JOB_OPTIONS: JobsOptions = OUTREACH_SEND_JOB_OPTIONS;

/** BullMQ ids may not contain ':'. */
export function jobIdOf(...parts: string[]): string {
  return parts.join('.').replaceAll(':', '_');
}

/** Packs (id, occasionKey) pairs for a job's data. */
export function packRecipients(items: readonly { externalUserId: string; occasionKey: string }[]): PackedRecipients {
  const occasions = [...new Set(items.map((i) => i.occasionKey))];
  const externalUserIds = items.map((i) => i.externalUserId);
  if (occasions.length <= 1) return { externalUserIds, occasions };
  const index = new Map(occasions.map((o, i) => [o, i]));
  return { externalUserIds, occasions, occasionOf: items.map((i) => index.get(i.occasionKey)!) };
}

/** The (id, occasionKey) pairs of packed recipients. */
export function unpackRecipients(packed: PackedRecipients): { externalUserId: string; occasionKey: string }[] {
  return packed.externalUserIds.map((externalUserId, i) => ({ externalUserId, occasionKey: packed.occasions[packed.occasionOf?.[i] ?? 0]! }));
}
