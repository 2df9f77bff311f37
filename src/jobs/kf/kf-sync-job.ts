import { rethrowForJob } from '../job-errors.ts';
import type { JobHandler } from '../queue-worker.ts';
import type { KfSyncJobData } from './job.ts';
import { syncKfMessages, type KfSyncDeps } from './sync-kf-messages.ts';

/**
 * `kf.sync`: pulls one 微信客服 account's new messages. Concurrency 1 here and globally
 * (registry.ts): kf cursors are read and advanced in order.
 */
export function kfSyncJobHandler(deps: Omit<KfSyncDeps, 'log'>): JobHandler {
  return async (job, token, jobLog) => {
    const data = job.data as KfSyncJobData;
    const log = jobLog.child({ openKfId: data.openKfId });
    const stats = await syncKfMessages({ ...deps, log }, data).catch((err: unknown) => rethrowForJob(err, job, token, log));
    log.info(stats, 'kf messages synced');
  };
}
