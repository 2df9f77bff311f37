import { UnrecoverableError, type Worker } from 'bullmq';
import type { Logger } from '../shared/logger.ts';

/**
 * One way every worker reports trouble: a failed attempt at warn ("will retry", or what a
 * retry means for this job), a job out of attempts or unrecoverable at error; a worker
 * error at warn, once per distinct message (while Redis is away every reconnect attempt
 * errors alike), logged again after the worker is ready.
 */
export function logWorkerTrouble(
  worker: Worker,
  log: Logger,
  messages: { final: string; retry: string } = { final: 'job failed for good', retry: 'job failed, will retry' },
): void {
  worker.on('failed', (job, err) => {
    const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    log[final ? 'error' : 'warn']({ queue: worker.name, jobId: job?.id, err }, final ? messages.final : messages.retry);
  });
  let lastError = '';
  worker.on('error', (err) => {
    if (err.message !== lastError) log.warn({ queue: worker.name, err: { message: err.message } }, 'worker error');
    lastError = err.message;
  });
  worker.on('resumed', () => (lastError = ''));
  worker.on('ready', () => (lastError = ''));
}
