import type { JobsOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { createQueueWorker, type JobHandler } from '../queue-worker.ts';
import { applyQueuePolicy } from '../registry.ts';
import { VALUE_JOB_NAME, VALUE_JOB_OPTIONS, type ValueJobData } from './job.ts';
import { scoreAllValues, type ValueJobDeps, type ValueProgress, type ValueRunStats } from './score-all-values.ts';

/** A job's progress is saved at most this often (a run reads every contact twice). */
const PROGRESS_EVERY_MS = 1000;

/**
 * `value.score-all`: one at a time here and (with the queue's global concurrency 1, set
 * by the scheduler and enqueueValueScoring) across the deployment. A retried job starts
 * over: its two passes only read, and its writes are compare-and-set and idempotent.
 */
export function valueJobHandler(deps: ValueJobDeps): JobHandler {
  return async (job, _token, jobLog) => {
    const log = jobLog.child({ trigger: (job.data as ValueJobData).trigger });
    let saved = 0;
    const onProgress = async (p: ValueProgress): Promise<void> => {
      if (Date.now() - saved < PROGRESS_EVERY_MS) return;
      saved = Date.now();
      await job.updateProgress(p);
    };
    const { stats, summary } = await scoreAllValues(deps, { onProgress });
    log.info({ ...stats, grades: summary.grades, quadrants: summary.quadrants }, 'values scored');
    return stats;
  };
}

/** The `value` worker alone (npm run value runs one of its own). Not started (autorun off). */
export function createValueWorker(deps: { connection: Redis; prefix: string; value: ValueJobDeps; log: Logger }): Worker<ValueJobData, ValueRunStats> {
  return createQueueWorker(QUEUE_NAMES.value, { [VALUE_JOB_NAME]: valueJobHandler(deps.value) }, deps);
}

/** Queues a run now (`npm run value`); returns its job id. `options` override the defaults. */
export async function enqueueValueScoring(queue: Queue<ValueJobData>, jobId: string, options: JobsOptions = {}): Promise<string> {
  await applyQueuePolicy(queue);
  await queue.add(VALUE_JOB_NAME, { trigger: 'manual' }, { ...VALUE_JOB_OPTIONS, ...options, jobId });
  return jobId;
}
