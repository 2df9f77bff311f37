import { DelayedError, RateLimitError, type Job, type Queue } from 'bullmq';
import { WeComRateLimitedError } from '../../wecom/api-errors.ts';
import type { WeComApi } from '../../wecom/api.ts';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { recordInteractions, type RecordInteractionsDeps } from '../../domain/contacts/record-interactions.ts';
import type { FollowUpPolicy } from '../../domain/followups/policy.ts';
import type { OutreachPlanner } from '../../domain/outreach/outreach.ts';
import type { RecordsById } from '../../domain/outreach/planners/ports.ts';
import type { DryRunRecorder, OutreachLedger, OutreachPasses } from '../../domain/outreach/ports.ts';
import type { ContactReads } from '../../domain/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import { rethrowForJob } from '../job-errors.ts';
import type { JobHandler } from '../queue-worker.ts';
import {
  OUTREACH_NOTIFY_JOB_NAME, OUTREACH_RESULT_JOB_NAME, OUTREACH_RESULT_JOB_OPTIONS, OUTREACH_SEND_JOB_NAME, OUTREACH_SEND_JOB_OPTIONS,
  type OutreachNotifyJobData, type OutreachResultJobData, type OutreachSendJobData,
} from './job.ts';
import { notifyRep } from './notify-rep.ts';
import { planOutreach, type PlanOutreachDeps } from './plan-outreach.ts';
import { nextCheck, readOutreachResults, type ReadResultsDeps } from './read-results.ts';
import { sendOutreach, type SendOutreachDeps } from './send-outreach.ts';

/** Push interactions stored in parallel (distinct contacts, so no write conflicts). */
const RECORD_PARALLEL = 32;

/** What the outreach jobs plan, guard, send and record with (the container builds it). */
export interface OutreachJobDeps {
  /** Every kind's planner: a new kind is one more entry where the container builds this list. */
  planners: readonly OutreachPlanner[];
  /** Runs before each planning run (the follow-up index's one-time backfill). */
  prepare?: () => Promise<number>;
  /** One record (planning) and many at once (the re-check before a send). */
  store: Pick<ContactReads, 'get'> & RecordsById;
  ledger: OutreachLedger;
  /** Planning passes completed (the holiday scan of a day), kept beside the ledger. */
  passes?: OutreachPasses;
  api: Pick<WeComApi, 'addMsgTemplate' | 'getGroupmsgListV2' | 'getGroupmsgSendResult' | 'cancelGroupmsgSend' | 'sendAppMessage'>;
  /** What push interactions are stored and re-tiered with (tier changes → tier.tag jobs). */
  contacts: RecordInteractionsDeps;
  /** quietHours (every kind) and confirmWithinDays (every 群发) of the tier rules' followUps section. */
  policy: Pick<FollowUpPolicy, 'quietHours' | 'confirmWithinDays'>;
  timeZone: string;
  clock: Clock;
  /** FENJI_DRY_RUN=1: sends are recorded here instead of made (the ledger is then a dry one too). */
  dryRun?: DryRunRecorder;
}

/** Stores push interactions through recordInteractions, RECORD_PARALLEL contacts at a time. */
export function pushRecorder(contacts: RecordInteractionsDeps): SendOutreachDeps['recordPushes'] {
  return async (interactions: Interaction[], now: number) => {
    for (let i = 0; i < interactions.length; i += RECORD_PARALLEL) {
      await Promise.all(interactions.slice(i, i + RECORD_PARALLEL).map((one) => recordInteractions(contacts, [one], now)));
    }
  };
}

type AddQueue = Pick<Queue, 'getJob' | 'add'>;

/** The planning run's view of the queues: its sends (outreach-sends) and A lists (outreach), by deterministic id. */
export function planQueues(queue: AddQueue, sendQueue: AddQueue): PlanOutreachDeps['jobs'] {
  return {
    exists: async (jobId) => (await sendQueue.getJob(jobId)) !== undefined || (await queue.getJob(jobId)) !== undefined,
    send: async (jobId, data) => void await sendQueue.add(OUTREACH_SEND_JOB_NAME, data, { ...OUTREACH_SEND_JOB_OPTIONS, jobId }),
    notify: async (jobId, data) => void await queue.add(OUTREACH_NOTIFY_JOB_NAME, data, { ...OUTREACH_SEND_JOB_OPTIONS, jobId }),
  };
}

/** A send's view of the queue: the read-back of the task it created, by deterministic id. */
export function resultQueue(queue: Pick<Queue, 'add'>): SendOutreachDeps['results'] {
  return {
    add: async (jobId, data, delayMs) => void await queue.add(OUTREACH_RESULT_JOB_NAME, data, { ...OUTREACH_RESULT_JOB_OPTIONS, jobId, delay: delayMs }),
  };
}

/** Moves the job to delayed until `until` on the deps' clock (a test's may not be the wall clock); no attempt used. */
export async function delayUntil(job: Job, token: string | undefined, until: number, now: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(1000, until - now), token);
  throw new DelayedError();
}

/**
 * A 45009 on add_msg_template blocks the path for the whole corp, not one job: every send
 * of the queue waits it out, here and in every worker process (BullMQ's queue rate limit),
 * instead of each queued send calling once more into the block and being refused in turn.
 * The job goes back to waiting with no attempt spent; its saved outcome was already
 * cleared (WeCom answered, so nothing was created).
 */
export async function pauseSends(sendQueue: Pick<Queue, 'rateLimit'>, err: WeComRateLimitedError, log: JobLog): Promise<never> {
  log.warn({ path: err.path, errcode: err.errcode, retryAfterMs: err.retryAfterMs }, 'WeCom rate limit: every outreach send waits');
  await sendQueue.rateLimit(err.retryAfterMs);
  throw new RateLimitError();
}

type JobLog = Parameters<JobHandler>[2];

export interface OutreachQueueDeps {
  /** The outreach queue (plans, read-backs, A lists) and the outreach-sends queue (add_msg_template, rate-limited). */
  queue: AddQueue;
  sendQueue: AddQueue & Pick<Queue, 'rateLimit'>;
  outreach: OutreachJobDeps;
}

/**
 * The outreach jobs: `outreach.plan` (every 15 minutes, registry.ts), the `outreach.send`
 * and `outreach.notify` jobs it queues, and the `outreach.result` read-back each created
 * task gets. A send in quiet hours or before its hour waits for it, a read-back with
 * recipients still unsent waits for its next check (moved to delayed, no attempt used);
 * WeCom rate limits likewise (a 45009 on a send pauses every send: pauseSends);
 * configuration errors fail at once.
 */
export function outreachJobHandlers(deps: OutreachQueueDeps): Record<'plan' | 'send' | 'result' | 'notify', JobHandler> {
  const o = deps.outreach;
  const recordPushes = pushRecorder(o.contacts);
  const jobs = planQueues(deps.queue, deps.sendQueue);
  const results = resultQueue(deps.queue);
  return {
    plan: async (job, token, log) => {
      const stats = await planOutreach({ ...o, jobs, quietHours: o.policy.quietHours }, String(job.id)).catch((err: unknown) => rethrowForJob(err, job, token, log));
      if (stats.sends + stats.lists > 0 || stats.prepared > 0) log.info(stats, 'outreach planned');
      return stats;
    },
    send: async (job, token, log) => {
      const data = job.data as OutreachSendJobData;
      const result = await sendOutreach({ ...o, recordPushes, results, log }, String(job.id), data).catch((err: unknown) =>
        err instanceof WeComRateLimitedError && err.kind === 'frequency' ? pauseSends(deps.sendQueue, err, log) : rethrowForJob(err, job, token, log));
      if (result.status === 'deferred') {
        log.info({ until: new Date(result.until).toISOString() }, 'outreach task waits for its hour');
        return delayUntil(job, token, result.until, o.clock.now());
      }
      log.info({ kind: data.kind, rep: data.rep, tier: data.tier, ...result }, 'outreach task done');
      return result;
    },
    notify: async (job, token, log) => {
      const data = job.data as OutreachNotifyJobData;
      const result = await notifyRep({ ...o, log }, String(job.id), data).catch((err: unknown) => rethrowForJob(err, job, token, log));
      if (result.status === 'deferred') return delayUntil(job, token, result.until, o.clock.now());
      log.info({ kind: data.kind, rep: data.rep, ...result }, 'A list sent to the rep');
      return result;
    },
    result: resultHandler({ ...o, recordPushes }),
  };
}

/** The read-back handler (outreach.result, and followups.result queued before the upgrade). */
export function resultHandler(deps: Omit<ReadResultsDeps, 'policy'> & { policy: ReadResultsDeps['policy'] }): JobHandler {
  return async (job, token, log) => {
    const data = job.data as OutreachResultJobData;
    const check = await readOutreachResults(deps, data).catch((err: unknown) => rethrowForJob(err, job, token, log));
    if (check.status === 'waiting') {
      const { pushed, failed, pending } = check;
      if (pushed + failed > 0) log.info({ msgid: data.msgid, rep: data.rep, pushed, failed, unsent: pending.length }, 'outreach task read back, some still unsent');
      await job.updateData(nextCheck(data, check.pending, check.nextCheckAt));
      return delayUntil(job, token, check.nextCheckAt, deps.clock.now());
    }
    log.info({ msgid: data.msgid, rep: data.rep, ...check }, 'outreach task read back');
    return check;
  };
}
