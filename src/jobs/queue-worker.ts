import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import type { QueueName } from './queues.ts';
import { JOBS, jobsOf, QUEUES, type JobContext } from './registry.ts';
import { logWorkerTrouble } from './worker-logging.ts';

/** Runs one job; `log` is the job's child logger (queue, id, name, attempt). */
export type JobHandler = (job: Job, token: string | undefined, log: Logger) => Promise<unknown>;

export interface QueueWorkerBase {
  connection: Redis;
  prefix: string;
  log: Logger;
  /** Local concurrency of a queue whose policy leaves it to the configuration (callbacks). */
  concurrency?: number;
  /** Limiters of queues whose policy leaves them to the configuration (outreach-sends). */
  limiters?: Partial<Record<QueueName, { max: number; duration: number }>>;
}

/**
 * The one Worker of a queue, with the queue's policy from the registry (local concurrency,
 * rate limiter, failure messages). It runs the jobs `handlers` names, each of which must be
 * registered on this queue; any other job name fails at once, never retried
 * (UnrecoverableError): a retry cannot teach an old worker a new job, nor revive a retired one.
 * Not started (autorun off).
 */
export function createQueueWorker(queue: QueueName, handlers: Readonly<Record<string, JobHandler>>, base: QueueWorkerBase): Worker {
  for (const name of Object.keys(handlers)) {
    if (JOBS[name]?.queue !== queue) throw new Error(`job ${name} is not registered on queue ${queue} (src/jobs/registry.ts)`);
  }
  const policy = QUEUES[queue];
  const limiter = policy.limiter === 'configured' ? base.limiters?.[queue] : policy.limiter;
  const worker = new Worker(
    queue,
    async (job: Job, token?: string) => {
      const log = base.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1 });
      const handler = Object.hasOwn(handlers, job.name) ? handlers[job.name] : undefined;
      if (!handler) throw new UnrecoverableError(`unknown job ${job.name} on queue ${queue}`);
      return handler(job, token, log);
    },
    {
      connection: base.connection,
      prefix: base.prefix,
      concurrency: policy.concurrency === 'configured' ? base.concurrency ?? 1 : policy.concurrency,
      ...(limiter ? { limiter } : {}),
      ...(policy.maxStalledCount ? { maxStalledCount: policy.maxStalledCount } : {}),
      autorun: false,
    },
  );
  logWorkerTrouble(worker, base.log, policy.failureMessages);
  return worker;
}

/**
 * One worker per registered queue, each running that queue's registered jobs with `ctx`.
 * A handler is bound to `ctx` at its first job. Not started.
 */
export function createRegisteredWorkers(ctx: JobContext, base: QueueWorkerBase): Worker[] {
  return (Object.keys(QUEUES) as QueueName[]).map((queue) =>
    createQueueWorker(queue, Object.fromEntries(jobsOf(queue).map(([name, entry]) => [name, bindOnFirstJob(() => entry.handler(ctx))])), base));
}

function bindOnFirstJob(bind: () => JobHandler): JobHandler {
  let handler: JobHandler | undefined;
  return (job, token, log) => (handler ??= bind())(job, token, log);
}
