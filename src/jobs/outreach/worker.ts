import { DelayedError, type Job, type Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Interaction } from '../../domain/contacts/contact.ts';
import { recordInteractions, type RecordInteractionsDeps } from '../../domain/contacts/record-interactions.ts';
import type { Logger } from '../../shared/logger.ts';
import { rethrowForJob } from '../job-errors.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { createQueueWorker, type JobHandler } from '../queue-worker.ts';
import { readFollowUpResults, type FollowUpResultDeps } from './read-results.ts';
import {
  FOLLOWUP_RESULT_JOB_OPTIONS, FOLLOWUP_SEND_JOB_OPTIONS, FOLLOWUPS_PLAN_JOB_NAME, FOLLOWUPS_RESULT_JOB_NAME, FOLLOWUPS_SEND_JOB_NAME,
  type FollowUpJobData, type FollowUpResultJobData, type FollowUpSendJobData,
} from './job.ts';
import { planFollowUps, type PlanFollowUpsDeps } from './plan-outreach.ts';
import { sendFollowUp, type SendFollowUpDeps } from './send-outreach.ts';

/** Push interactions stored in parallel (distinct contacts, so no write conflicts). */
const RECORD_PARALLEL = 32;

export type FollowUpJobDeps = Omit<PlanFollowUpsDeps, 'sends'> & Omit<SendFollowUpDeps, 'log' | 'recordPushes' | 'results' | 'api'> & {
  api: SendFollowUpDeps['api'] & FollowUpResultDeps['api'];
  /** What push interactions are stored and re-tiered with (tier changes → tier.tag jobs). */
  contacts: RecordInteractionsDeps;
};

/** Stores push interactions through recordInteractions, RECORD_PARALLEL contacts at a time. */
export function pushRecorder(contacts: RecordInteractionsDeps): SendFollowUpDeps['recordPushes'] {
  return async (interactions: Interaction[], now: number) => {
    for (let i = 0; i < interactions.length; i += RECORD_PARALLEL) {
      await Promise.all(interactions.slice(i, i + RECORD_PARALLEL).map((one) => recordInteractions(contacts, [one], now)));
    }
  };
}

/** The planning run's view of the queue: its send jobs, by deterministic id. */
export function sendQueue(queue: Pick<Queue<FollowUpJobData>, 'getJob' | 'add'>): PlanFollowUpsDeps['sends'] {
  return {
    exists: async (jobId) => (await queue.getJob(jobId)) !== undefined,
    add: async (jobId, data) => {
      await queue.add(FOLLOWUPS_SEND_JOB_NAME, data, { ...FOLLOWUP_SEND_JOB_OPTIONS, jobId });
    },
  };
}

/** A send's view of the queue: the read-back of the task it created, by deterministic id. */
export function resultQueue(queue: Pick<Queue<FollowUpJobData>, 'add'>): SendFollowUpDeps['results'] {
  return {
    add: async (jobId, data, delayMs) => {
      await queue.add(FOLLOWUPS_RESULT_JOB_NAME, data, { ...FOLLOWUP_RESULT_JOB_OPTIONS, jobId, delay: delayMs });
    },
  };
}

/** Moves the job to delayed until `until` on the deps' clock (a test's may not be the wall clock); no attempt used. */
async function waitUntil(job: Job, token: string | undefined, until: number, now: number): Promise<never> {
  await job.moveToDelayed(Date.now() + Math.max(1000, until - now), token);
  throw new DelayedError();
}

export interface FollowUpQueueDeps {
  /** The followups queue: the sends a plan queues, the read-back a send queues. */
  queue: Pick<Queue<FollowUpJobData>, 'getJob' | 'add'>;
  followUps: FollowUpJobDeps;
}

/**
 * The followups queue's jobs: `followups.plan` (every 15 minutes, registry.ts), the
 * `followups.send` jobs it queues, and the `followups.result` read-back each created task
 * gets. A send outside the send window waits for it, a read-back with recipients still
 * unsent waits for its next check (moved to delayed, no attempt used); WeCom rate limits
 * likewise; configuration errors fail at once.
 */
export function followUpJobHandlers(deps: FollowUpQueueDeps): Record<'plan' | 'send' | 'result', JobHandler> {
  const recordPushes = pushRecorder(deps.followUps.contacts);
  const sends = sendQueue(deps.queue);
  const results = resultQueue(deps.queue);
  return {
    plan: async (job, token, log) => {
      const stats = await planFollowUps({ ...deps.followUps, sends }, String(job.id)).catch((err: unknown) => rethrowForJob(err, job, token, log));
      if (stats.sends > 0 || stats.backfilled > 0) log.info(stats, 'follow-ups planned');
      return stats;
    },
    send: async (job, token, log) => {
      const data = job.data as FollowUpSendJobData;
      const result = await sendFollowUp({ ...deps.followUps, recordPushes, results, log }, String(job.id), data)
        .catch((err: unknown) => rethrowForJob(err, job, token, log));
      if (result.status === 'deferred') {
        log.info({ until: new Date(result.until).toISOString() }, 'follow-up task waits for the send window');
        return waitUntil(job, token, result.until, deps.followUps.clock.now());
      }
      log.info({ rep: data.rep, tier: data.tier, ...result }, 'follow-up task done');
      return result;
    },
    result: async (job, token, log) => {
      const data = job.data as FollowUpResultJobData;
      const check = await readFollowUpResults({ ...deps.followUps, recordPushes }, data).catch((err: unknown) => rethrowForJob(err, job, token, log));
      if (check.status === 'waiting') {
        const { pushed, failed, pending } = check;
        if (pushed + failed > 0) log.info({ msgid: data.msgid, rep: data.rep, pushed, failed, unsent: pending.length }, 'follow-up task read back, some still unsent');
        await job.updateData({ ...data, pending: check.pending, checkAt: check.nextCheckAt });
        return waitUntil(job, token, check.nextCheckAt, deps.followUps.clock.now());
      }
      log.info({ msgid: data.msgid, rep: data.rep, ...check }, 'follow-up task read back');
      return check;
    },
  };
}

/** The followups worker alone (its policy: registry.ts). Not started (autorun off). */
export function createFollowUpWorker(deps: FollowUpQueueDeps & { connection: Redis; prefix: string; log: Logger }): Worker {
  const handlers = followUpJobHandlers(deps);
  return createQueueWorker(QUEUE_NAMES.followups, {
    [FOLLOWUPS_PLAN_JOB_NAME]: handlers.plan,
    [FOLLOWUPS_SEND_JOB_NAME]: handlers.send,
    [FOLLOWUPS_RESULT_JOB_NAME]: handlers.result,
  }, deps);
}
