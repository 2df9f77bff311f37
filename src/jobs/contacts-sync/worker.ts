import { Worker, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';
import { rethrowForJob } from '../job-errors.ts';
import { CONTACT_SYNC_JOB_NAME, CONTACT_SYNC_JOB_OPTIONS, QUEUE_NAMES, type ContactSyncJobData } from '../queues.ts';
import type { ContactSyncDeps } from './deps.ts';
import type { ContactSyncProgress } from './progress.ts';
import { runContactSync } from './run-sync.ts';
import { logWorkerTrouble } from '../worker-logging.ts';

/** When the nightly reconciliation runs, in FENJI_TIMEZONE: before the 03:30 tier recompute. */
export const CONTACT_SYNC_CRON = '30 2 * * *';

/**
 * The `contacts` worker: runs contacts.sync jobs one at a time here, and (with the
 * queue's global concurrency 1, set by enqueueContactSync and the schedule) across the
 * deployment. A WeCom rate limit moves the job to delayed for retryAfterMs without using
 * an attempt; it then resumes from its saved progress. Not started (autorun off).
 */
export function createContactSyncWorker(deps: {
  connection: Redis;
  prefix: string;
  sync: Omit<ContactSyncDeps, 'log'>;
  log: Logger;
  onProgress?: (jobId: string, progress: ContactSyncProgress) => void;
}): Worker<ContactSyncJobData, ContactSyncProgress> {
  const worker = new Worker<ContactSyncJobData, ContactSyncProgress>(
    QUEUE_NAMES.contacts,
    async (job: Job<ContactSyncJobData>, token?: string) => {
      const log = deps.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1, trigger: job.data.trigger });
      if (job.name !== CONTACT_SYNC_JOB_NAME) throw new Error(`unknown job ${job.name}`);
      return runContactSync({ ...deps.sync, log }, job, (p) => deps.onProgress?.(job.id!, p)).catch((err: unknown) => rethrowForJob(err, job, token, log));
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, autorun: false },
  );
  logWorkerTrouble(worker, deps.log, { final: 'contact sync failed for good', retry: 'contact sync failed, will resume from its progress' });
  return worker;
}

/** Queues a sync now (`npm run sync`); returns its job id. `options` override the defaults (tests). */
export async function enqueueContactSync(queue: Queue<ContactSyncJobData>, jobId: string, options: JobsOptions = {}): Promise<string> {
  await queue.setGlobalConcurrency(1);
  await queue.add(CONTACT_SYNC_JOB_NAME, { trigger: 'manual' }, { ...CONTACT_SYNC_JOB_OPTIONS, ...options, jobId });
  return jobId;
}

/** The nightly reconciliation, upserted by the scheduler role (idempotent across restarts). */
export async function upsertContactSyncSchedule(queue: Queue<ContactSyncJobData>, timeZone: string): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.upsertJobScheduler(
    'contacts-sync-nightly',
    { pattern: CONTACT_SYNC_CRON, tz: timeZone },
    { name: CONTACT_SYNC_JOB_NAME, data: { trigger: 'nightly' }, opts: CONTACT_SYNC_JOB_OPTIONS },
  );
}
