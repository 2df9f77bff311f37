import { UnrecoverableError, Worker, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { scoreAllValues, type ValueJobDeps, type ValueProgress, type ValueRunStats } from './handlers/score-all-values.ts';
import { QUEUE_NAMES, VALUE_JOB_NAME, VALUE_JOB_OPTIONS, type ValueJobData } from './queues.ts';
import { logWorkerTrouble } from './worker-logging.ts';

/** When the nightly value scoring runs, in FENJI_TIMEZONE: after the 03:30 tier recompute. */
export const VALUE_CRON = '0 4 * * *';

/** A job's progress is saved at most this often (a run reads every contact twice). */
const PROGRESS_EVERY_MS = 1000;

/**
 * The `value` worker: runs value.score-all jobs one at a time here and (with the queue's
 * global concurrency 1, set by the schedule and enqueueValueScoring) across the
 * deployment. A retried job starts over: its two passes only read, and its writes are
 * compare-and-set and idempotent. Not started (autorun off).
 */
export function createValueWorker(deps: {
  connection: Redis;
  prefix: string;
  value: ValueJobDeps;
  log: Logger;
}): Worker<ValueJobData, ValueRunStats> {
  const worker = new Worker<ValueJobData, ValueRunStats>(
    QUEUE_NAMES.value,
    async (job: Job<ValueJobData>) => {
      const log = deps.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1, trigger: job.data.trigger });
      if (job.name !== VALUE_JOB_NAME) throw new UnrecoverableError(`unknown job ${job.name}`);
      let saved = 0;
      const onProgress = async (p: ValueProgress): Promise<void> => {
        if (Date.now() - saved < PROGRESS_EVERY_MS) return;
        saved = Date.now();
        await job.updateProgress(p);
      };
      const { stats, summary } = await scoreAllValues(deps.value, { onProgress });
      log.info({ ...stats, grades: summary.grades, quadrants: summary.quadrants }, 'values scored');
      return stats;
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, autorun: false },
  );
  logWorkerTrouble(worker, deps.log, { final: 'value scoring failed for good', retry: 'value scoring failed, will start over' });
  return worker;
}

/** Queues a run now (`npm run value`); returns its job id. `options` override the defaults. */
export async function enqueueValueScoring(queue: Queue<ValueJobData>, jobId: string, options: JobsOptions = {}): Promise<string> {
  await queue.setGlobalConcurrency(1);
  await queue.add(VALUE_JOB_NAME, { trigger: 'manual' }, { ...VALUE_JOB_OPTIONS, ...options, jobId });
  return jobId;
}

/** The nightly run, upserted by the scheduler role (idempotent across restarts). */
export async function upsertValueSchedule(queue: Queue<ValueJobData>, timeZone: string): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.upsertJobScheduler(
    'value-nightly',
    { pattern: VALUE_CRON, tz: timeZone },
    { name: VALUE_JOB_NAME, data: { trigger: 'nightly' }, opts: VALUE_JOB_OPTIONS },
  );
}
