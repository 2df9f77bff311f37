import type { Job, JobsOptions, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';
import { rethrowForJob } from '../job-errors.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { createQueueWorker, type JobHandler } from '../queue-worker.ts';
import { applyQueuePolicy } from '../registry.ts';
import type { ContactSyncDeps } from './deps.ts';
import { CONTACT_SYNC_JOB_NAME, CONTACT_SYNC_JOB_OPTIONS, type ContactSyncJobData } from './job.ts';
import type { ContactSyncProgress } from './progress.ts';
import { runContactSync } from './run-sync.ts';

/**
 * `contacts.sync`: one at a time here, and (with the queue's global concurrency 1, set by
 * enqueueContactSync and the scheduler) across the deployment. A WeCom rate limit moves
 * the job to delayed for retryAfterMs without using an attempt; it then resumes from its
 * saved progress.
 */
export function contactSyncJobHandler(sync: Omit<ContactSyncDeps, 'log'>, onProgress?: (jobId: string, progress: ContactSyncProgress) => void): JobHandler {
  return async (job, token, jobLog) => {
    const data = job.data as ContactSyncJobData;
    const log = jobLog.child({ trigger: data.trigger });
    return runContactSync({ ...sync, log }, job as Job<ContactSyncJobData>, (p) => onProgress?.(job.id!, p)).catch((err: unknown) => rethrowForJob(err, job, token, log));
  };
}

/** The `contacts` worker alone (npm run sync runs one of its own). Not started (autorun off). */
export function createContactSyncWorker(deps: {
  connection: Redis;
  prefix: string;
  sync: Omit<ContactSyncDeps, 'log'>;
  log: Logger;
  onProgress?: (jobId: string, progress: ContactSyncProgress) => void;
}): Worker<ContactSyncJobData, ContactSyncProgress> {
  return createQueueWorker(QUEUE_NAMES.contacts, { [CONTACT_SYNC_JOB_NAME]: contactSyncJobHandler(deps.sync, deps.onProgress) }, deps);
}

/** Queues a sync now (`npm run sync`); returns its job id. `options` override the defaults (tests). */
export async function enqueueContactSync(queue: Queue<ContactSyncJobData>, jobId: string, options: JobsOptions = {}): Promise<string> {
  await applyQueuePolicy(queue);
  await queue.add(CONTACT_SYNC_JOB_NAME, { trigger: 'manual' }, { ...CONTACT_SYNC_JOB_OPTIONS, ...options, jobId });
  return jobId;
}
