import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../adapters/redis/keys.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Logger } from '../shared/logger.ts';
import { handleCallbackEvent, type CallbackHandlerDeps } from './handlers/handle-callback-event.ts';
import { syncKfMessages, type KfSyncDeps } from './handlers/sync-kf-messages.ts';
import { rethrowForJob } from './job-errors.ts';
import { CALLBACK_JOB_NAME, HEARTBEAT_JOB_NAME, KF_SYNC_JOB_NAME, QUEUE_NAMES, type CallbackJobData, type KfSyncJobData } from './queues.ts';
import { logWorkerTrouble } from './worker-logging.ts';

export interface WorkerDeps {
  connection: Redis;
  prefix: string;
  keys: RedisKeys;
  concurrency: number;
  metrics: Metrics;
  log: Logger;
  /** What callback jobs turn events into facts with. */
  callbacks: CallbackHandlerDeps;
  /** What kf.sync jobs pull 微信客服 messages with (the job's logger is added per job). */
  kf: Omit<KfSyncDeps, 'log'>;
}

/** One Worker per queue, switching on job name; each job gets a child logger. */
export function createWorkers(deps: WorkerDeps): Worker[] {
  const callbacks = new Worker<CallbackJobData>(
    QUEUE_NAMES.callbacks,
    async (job: Job<CallbackJobData>, token?: string) => {
      const log = deps.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1 });
      if (job.name !== CALLBACK_JOB_NAME) throw new Error(`unknown job ${job.name}`);
      await handleCallbackEvent(job.data, deps.callbacks, log).catch((err: unknown) => rethrowForJob(err, job, token, log));
      deps.metrics.jobLatency.observe({ queue: job.queueName }, Math.max(0, Date.now() - job.data.receivedAt) / 1000);
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency, autorun: false },
  );

  // Concurrency 1 here and globally (set on the queue): kf cursors are read and advanced in order.
  const kf = new Worker<KfSyncJobData>(
    QUEUE_NAMES.kf,
    async (job: Job<KfSyncJobData>, token?: string) => {
      const log = deps.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1, openKfId: job.data.openKfId });
      if (job.name !== KF_SYNC_JOB_NAME) throw new Error(`unknown job ${job.name}`);
      const stats = await syncKfMessages({ ...deps.kf, log }, job.data).catch((err: unknown) => rethrowForJob(err, job, token, log));
      log.info(stats, 'kf messages synced');
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, autorun: false },
  );

  const system = new Worker(
    QUEUE_NAMES.system,
    async (job: Job) => {
      if (job.name !== HEARTBEAT_JOB_NAME) throw new Error(`unknown job ${job.name}`);
      // Proves a job round-trips scheduler → Redis → worker; /readyz reports its age.
      await deps.connection.set(deps.keys.heartbeat(), String(Date.now()));
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, autorun: false },
  );

  for (const worker of [callbacks, kf, system]) logWorkerTrouble(worker, deps.log);
  return [callbacks, kf, system];
}
