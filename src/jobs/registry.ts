import type { JobsOptions, Queue } from 'bullmq';
import { botCommandJobHandler, type BotJobDeps } from './bot/bot-command-job.ts';
import { BOT_COMMAND_JOB_NAME, BOT_COMMAND_JOB_OPTIONS } from './bot/job.ts';
import { aibotCommandJobHandler } from './bot/aibot-command-job.ts';
import { AIBOT_COMMAND_JOB_NAME, AIBOT_COMMAND_JOB_OPTIONS } from './bot/aibot-job.ts';
import { callbackJobHandler, type CallbackJobDeps } from './callbacks/callback-job.ts';
import { CALLBACK_JOB_NAME, CALLBACK_JOB_OPTIONS } from './callbacks/job.ts';
import type { ContactSyncDeps } from './contacts-sync/deps.ts';
import { CONTACT_SYNC_CRON, CONTACT_SYNC_JOB_NAME, CONTACT_SYNC_JOB_OPTIONS } from './contacts-sync/job.ts';
import { contactSyncJobHandler } from './contacts-sync/worker.ts';
import {
  FOLLOWUPS_PLAN_JOB_NAME, FOLLOWUPS_RESULT_JOB_NAME, FOLLOWUPS_SEND_JOB_NAME, OUTREACH_CONCURRENCY, OUTREACH_NOTIFY_JOB_NAME,
  OUTREACH_PLAN_EVERY_MS, OUTREACH_PLAN_JOB_NAME, OUTREACH_RESULT_JOB_NAME, OUTREACH_RESULT_JOB_OPTIONS, OUTREACH_SEND_CONCURRENCY,
  OUTREACH_SEND_JOB_NAME, OUTREACH_SEND_JOB_OPTIONS,
} from './outreach/job.ts';
import { legacyFollowUpHandlers, type LegacyFollowUpDeps } from './outreach/legacy.ts';
import { outreachJobHandlers, type OutreachQueueDeps } from './outreach/worker.ts';
import { KF_SYNC_JOB_NAME, KF_SYNC_JOB_OPTIONS } from './kf/job.ts';
import { OPT_OUT_NOTICE_JOB_NAME, OPT_OUT_NOTICE_JOB_OPTIONS } from './opt-out-notice/job.ts';
import { optOutNoticeJobHandler, type OptOutNoticeDeps } from './opt-out-notice/notify-opt-out.ts';
import { kfSyncJobHandler } from './kf/kf-sync-job.ts';
import type { KfSyncDeps } from './kf/sync-kf-messages.ts';
import type { JobHandler } from './queue-worker.ts';
import { QUEUE_NAMES, type QueueName } from './queues.ts';
import { HEARTBEAT_EVERY_MS, HEARTBEAT_JOB_NAME, heartbeatJobHandler, type HeartbeatDeps } from './system/heartbeat.ts';
import { MARK_TAG_CONCURRENCY, TIER_TAG_JOB_NAME, TIER_TAG_JOB_OPTIONS } from './tier-tags/job.ts';
import { tierTagJobHandler } from './tier-tags/outbound-worker.ts';
import { RECOMPUTE_CRON, TIERS_DUE_EVERY_MS, TIERS_DUE_JOB_NAME, TIERS_RECOMPUTE_JOB_NAME } from './tiers/job.ts';
import { dueTiersJobHandler, recomputeTiersJobHandler, type TierJobsDeps } from './tiers/worker.ts';
import { VALUE_CRON, VALUE_JOB_NAME, VALUE_JOB_OPTIONS } from './value/job.ts';
import type { ValueJobDeps } from './value/score-all-values.ts';
import { valueJobHandler } from './value/worker.ts';
import { WELCOME_CONCURRENCY, WELCOME_JOB_NAME, WELCOME_JOB_OPTIONS } from './welcome/job.ts';
import { welcomeJobHandler, type WelcomeJobDeps } from './welcome/welcome-job.ts';

/**
 * Every queue and every job Fenji runs, in one place. A new job is a folder under
 * src/jobs/ (its job.ts: name, data, options; its handler) and one line in JOBS below;
 * the container starts its worker from here and the scheduler role upserts its schedule
 * (and removes schedules no longer listed).
 */

/** How a queue runs its jobs. */
export interface QueuePolicy {
  /** Jobs at once in one worker process; 'configured' = WORKER_CONCURRENCY (config.worker.concurrency). */
  concurrency: number | 'configured';
  /** Jobs at once across the deployment (BullMQ's global concurrency, kept in Redis). */
  globalConcurrency?: number;
  /** Jobs started per `duration` ms across the deployment; 'configured' = the worker base's limiter for this queue (from config). */
  limiter?: { max: number; duration: number } | 'configured';
  /** What the worker logs when a job fails (worker-logging.ts). */
  failureMessages?: { final: string; retry: string };
  /**
   * How often a job may be found stalled (its worker died mid-job) and still run again;
   * BullMQ's default is 1, after which the job fails. Raised only for jobs that are safe to
   * re-run after a crash at any point.
   */
  maxStalledCount?: number;
}

/**
 * Outreach plans and sends survive a crash at any point (claims and send ids are
 * deterministic, a send saves its call's outcome before and after it). A plan run failed for
 * stalling twice would leave its claimed customers without a send for the claims' 6 hours:
 * the kill e2e test found 88 of 120 customers of a 中秋 campaign left so after two SIGKILLs.
 */
const OUTREACH_MAX_STALLED = 10;

export const QUEUES: Readonly<Record<QueueName, QueuePolicy>> = {
  [QUEUE_NAMES.callbacks]: { concurrency: 'configured' },
  [QUEUE_NAMES.system]: { concurrency: 1 },
  // mark_tag: WeCom allows ≤ 5 concurrent calls; the limiter is 80% of its 10,000 calls per
  // minute per API (docs/wecom/api.md, 'Rate limits'), so a 45009 pause can take effect.
  [QUEUE_NAMES.wecomOutbound]: { concurrency: MARK_TAG_CONCURRENCY, globalConcurrency: MARK_TAG_CONCURRENCY, limiter: { max: 8000, duration: 60_000 } },
  // One at a time: a recompute and a due run never overlap.
  [QUEUE_NAMES.tiers]: { concurrency: 1, globalConcurrency: 1 },
  // kf cursors are read and advanced in order.
  [QUEUE_NAMES.kf]: { concurrency: 1, globalConcurrency: 1 },
  [QUEUE_NAMES.contacts]: {
    concurrency: 1, globalConcurrency: 1,
    failureMessages: { final: 'contact sync failed for good', retry: 'contact sync failed, will resume from its progress' },
  },
  [QUEUE_NAMES.value]: {
    concurrency: 1, globalConcurrency: 1,
    failureMessages: { final: 'value scoring failed for good', retry: 'value scoring failed, will start over' },
  },
  [QUEUE_NAMES.outreach]: { concurrency: OUTREACH_CONCURRENCY, globalConcurrency: OUTREACH_CONCURRENCY, maxStalledCount: OUTREACH_MAX_STALLED },
  // Sized from FENJI_GROUPMSG_PER_MINUTE (jobs/outreach/limiter.ts).
  [QUEUE_NAMES.outreachSends]: {
    concurrency: OUTREACH_SEND_CONCURRENCY, globalConcurrency: OUTREACH_SEND_CONCURRENCY, limiter: 'configured', maxStalledCount: OUTREACH_MAX_STALLED,
  },
  [QUEUE_NAMES.followups]: { concurrency: 1, globalConcurrency: 2 },
  // Its own workers: a welcome waits for no other queue's jobs, only for other welcomes.
  [QUEUE_NAMES.welcome]: {
    concurrency: WELCOME_CONCURRENCY,
    failureMessages: { final: 'welcome job failed for good', retry: 'welcome attempt failed, will retry while its 20 s allow' },
  },
  // Answers are reads plus one message/send each: several at once per process.
  [QUEUE_NAMES.bot]: { concurrency: 4 },
};

/** What the container hands the registered handlers (each job takes its family's part). */
export interface JobContext {
  callbacks: CallbackJobDeps;
  kf: Omit<KfSyncDeps, 'log'>;
  heartbeat: HeartbeatDeps;
  tiers: TierJobsDeps;
  contactSync: Omit<ContactSyncDeps, 'log'>;
  value: ValueJobDeps;
  outreach: OutreachQueueDeps & { legacy: LegacyFollowUpDeps };
  welcome: WelcomeJobDeps;
  bot: BotJobDeps;
  optOutNotice: OptOutNoticeDeps;
}

/** When a job runs by itself: every `every` ms, or on a cron `pattern` in FENJI_TIMEZONE. Its id is the job scheduler's key. */
export type JobSchedule = { id: string; data?: object } & ({ every: number } | { pattern: string });

export interface JobEntry {
  queue: QueueName;
  /** Options of every job of this name, enqueued or scheduled. */
  options?: JobsOptions;
  schedule?: JobSchedule;
  handler: (ctx: JobContext) => JobHandler;
}

/** Scheduled runs keep a few completed runs to look at, and failed ones a week. */
const SCHEDULED_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { count: 50 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const JOBS: Readonly<Record<string, JobEntry>> = {
  [CALLBACK_JOB_NAME]: { queue: QUEUE_NAMES.callbacks, options: CALLBACK_JOB_OPTIONS, handler: (c) => callbackJobHandler(c.callbacks) },
  [KF_SYNC_JOB_NAME]: { queue: QUEUE_NAMES.kf, options: KF_SYNC_JOB_OPTIONS, handler: (c) => kfSyncJobHandler(c.kf) },
  [HEARTBEAT_JOB_NAME]: { queue: QUEUE_NAMES.system, schedule: { id: 'heartbeat', every: HEARTBEAT_EVERY_MS }, handler: (c) => heartbeatJobHandler(c.heartbeat) },
  [TIER_TAG_JOB_NAME]: { queue: QUEUE_NAMES.wecomOutbound, options: TIER_TAG_JOB_OPTIONS, handler: (c) => tierTagJobHandler({ queue: c.tiers.outboundQueue, mirror: c.tiers.mirror }) },
  [OPT_OUT_NOTICE_JOB_NAME]: {
    queue: QUEUE_NAMES.wecomOutbound, options: OPT_OUT_NOTICE_JOB_OPTIONS, handler: (c) => optOutNoticeJobHandler({ ...c.optOutNotice, queue: c.tiers.outboundQueue }),
  },
  [TIERS_DUE_JOB_NAME]: { queue: QUEUE_NAMES.tiers, options: SCHEDULED_JOB_OPTIONS, schedule: { id: 'tiers-due', every: TIERS_DUE_EVERY_MS }, handler: (c) => dueTiersJobHandler(c.tiers) },
  [TIERS_RECOMPUTE_JOB_NAME]: { queue: QUEUE_NAMES.tiers, options: SCHEDULED_JOB_OPTIONS, schedule: { id: 'tiers-recompute', pattern: RECOMPUTE_CRON, data: {} }, handler: (c) => recomputeTiersJobHandler(c.tiers) },
  [CONTACT_SYNC_JOB_NAME]: {
    queue: QUEUE_NAMES.contacts, options: CONTACT_SYNC_JOB_OPTIONS, schedule: { id: 'contacts-sync-nightly', pattern: CONTACT_SYNC_CRON, data: { trigger: 'nightly' } },
    handler: (c) => contactSyncJobHandler(c.contactSync),
  },
  [VALUE_JOB_NAME]: { queue: QUEUE_NAMES.value, options: VALUE_JOB_OPTIONS, schedule: { id: 'value-nightly', pattern: VALUE_CRON, data: { trigger: 'nightly' } }, handler: (c) => valueJobHandler(c.value) },
  // Each planner knows its own hour; the run does nothing in quiet hours.
  [OUTREACH_PLAN_JOB_NAME]: {
    queue: QUEUE_NAMES.outreach, options: SCHEDULED_JOB_OPTIONS, schedule: { id: 'outreach-plan', every: OUTREACH_PLAN_EVERY_MS },
    handler: (c) => outreachJobHandlers(c.outreach).plan,
  },
  [OUTREACH_SEND_JOB_NAME]: { queue: QUEUE_NAMES.outreachSends, options: OUTREACH_SEND_JOB_OPTIONS, handler: (c) => outreachJobHandlers(c.outreach).send },
  [OUTREACH_NOTIFY_JOB_NAME]: { queue: QUEUE_NAMES.outreach, options: OUTREACH_SEND_JOB_OPTIONS, handler: (c) => outreachJobHandlers(c.outreach).notify },
  [OUTREACH_RESULT_JOB_NAME]: { queue: QUEUE_NAMES.outreach, options: OUTREACH_RESULT_JOB_OPTIONS, handler: (c) => outreachJobHandlers(c.outreach).result },
  // The old queue's jobs, finished after an upgrade (jobs/outreach/legacy.ts); no schedule, so the old one is removed.
  [FOLLOWUPS_PLAN_JOB_NAME]: { queue: QUEUE_NAMES.followups, handler: (c) => legacyFollowUpHandlers(c.outreach.outreach, c.outreach.legacy).plan },
  [FOLLOWUPS_SEND_JOB_NAME]: { queue: QUEUE_NAMES.followups, handler: (c) => legacyFollowUpHandlers(c.outreach.outreach, c.outreach.legacy).send },
  [FOLLOWUPS_RESULT_JOB_NAME]: { queue: QUEUE_NAMES.followups, handler: (c) => legacyFollowUpHandlers(c.outreach.outreach, c.outreach.legacy).result },
  [BOT_COMMAND_JOB_NAME]: { queue: QUEUE_NAMES.bot, options: BOT_COMMAND_JOB_OPTIONS, handler: (c) => botCommandJobHandler(c.bot) },
  // Queued by the /wecom/aibot route (web role) when WECOM_AIBOT_TOKEN is set.
  [AIBOT_COMMAND_JOB_NAME]: {
    queue: QUEUE_NAMES.bot, options: AIBOT_COMMAND_JOB_OPTIONS,
    handler: (c) => {
      const aibot = c.bot.aibot;
      if (!aibot) return () => Promise.reject(new Error('bot.aibot job but the 智能机器人 is not configured (WECOM_AIBOT_TOKEN)'));
      return aibotCommandJobHandler({ bot: c.bot.bot, ...aibot });
    },
  },
  // Queued by the callback intake itself (web role), not by the callback job: see ingress/callback-intake.ts.
  [WELCOME_JOB_NAME]: { queue: QUEUE_NAMES.welcome, options: WELCOME_JOB_OPTIONS, handler: (c) => welcomeJobHandler(c.welcome) },
};

/** The registered jobs of one queue, by name. */
export function jobsOf(queue: QueueName): [string, JobEntry][] {
  return Object.entries(JOBS).filter(([, entry]) => entry.queue === queue);
}

/** Sets the queue's global concurrency (registry policy) in Redis; a queue without one is left alone. */
export async function applyQueuePolicy(queue: Pick<Queue, 'name' | 'setGlobalConcurrency'>): Promise<void> {
  const global = QUEUES[queue.name as QueueName]?.globalConcurrency;
  if (global !== undefined) await queue.setGlobalConcurrency(global);
}
