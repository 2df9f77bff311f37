import type { Queue } from 'bullmq';
import { FOLLOWUPS_PLAN_JOB_NAME, TIERS_DUE_JOB_NAME, TIERS_RECOMPUTE_JOB_NAME } from './queues.ts';
import { FOLLOWUPS_CONCURRENCY } from './followups/worker.ts';

/** Scheduled jobs keep a few completed runs to look at, and failed ones a week. */
const SCHEDULED_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { count: 50 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** When the nightly full recompute runs, in FENJI_TIMEZONE: quiet hours in China. */
export const RECOMPUTE_CRON = '30 3 * * *';

/**
 * The tier schedules, upserted by the scheduler role only (upsert makes restarts
 * idempotent): due re-evaluation every minute, the full recompute nightly. The tiers
 * queue runs one job at a time across the deployment, so a recompute and a due run never
 * overlap.
 */
export async function upsertTierSchedules(queue: Queue, timeZone: string): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.upsertJobScheduler('tiers-due', { every: 60_000 }, { name: TIERS_DUE_JOB_NAME, opts: SCHEDULED_JOB_OPTIONS });
  await queue.upsertJobScheduler(
    'tiers-recompute',
    { pattern: RECOMPUTE_CRON, tz: timeZone },
    { name: TIERS_RECOMPUTE_JOB_NAME, data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
}

/** How often the follow-up planning run looks for contacts due (only acts inside the send window). */
export const FOLLOWUPS_PLAN_EVERY_MS = 15 * 60_000;

/**
 * The follow-up planning run every 15 minutes, upserted by the scheduler role. The run
 * itself does nothing outside the send window, so the schedule need not know the window.
 */
export async function upsertFollowUpSchedule(queue: Queue): Promise<void> {
  await queue.setGlobalConcurrency(FOLLOWUPS_CONCURRENCY);
  await queue.upsertJobScheduler('followups-plan', { every: FOLLOWUPS_PLAN_EVERY_MS }, { name: FOLLOWUPS_PLAN_JOB_NAME, opts: SCHEDULED_JOB_OPTIONS });
}
