import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import type { MirrorTierTagDeps } from './handlers/mirror-tier-tag.ts';
import { runDueTiers, runRecomputeAll, type RecomputeJobData, type ScheduledTierDeps } from './handlers/scheduled-tiers.ts';
import { QUEUE_NAMES, TIERS_DUE_JOB_NAME, TIERS_RECOMPUTE_JOB_NAME } from './queues.ts';
import { createOutboundWorker } from './tier-tags/outbound-worker.ts';
import { repairTierTags, type RepairTierTagsDeps } from './tier-tags/repair-tier-tags.ts';
import { retryFailedTierTags } from './tier-tags/retry-failed-tier-tags.ts';
import { logWorkerTrouble } from './worker-logging.ts';

export interface TierWorkerDeps {
  connection: Redis;
  prefix: string;
  /** Due re-evaluation and recompute; their onChanges should enqueue tier.tag jobs. */
  tiers: ScheduledTierDeps;
  mirror: Omit<MirrorTierTagDeps, 'log'>;
  /** The nightly tier tag repair's reads and queueing (its ids and catalog come from tiers and mirror). */
  tagRepair: Pick<RepairTierTagsDeps, 'records' | 'enqueue'>;
  outboundQueue: Pick<Queue, 'rateLimit' | 'getFailed'>;
  log: Logger;
}

/**
 * The workers of time-driven tiers: `tiers` (due re-evaluation, nightly recompute followed
 * by a retry of failed tier.tag jobs and the tier tag repair; one job at a time) and
 * `wecom-outbound` (tier.tag → mark_tag). Not started (autorun off).
 */
export function createTierWorkers(deps: TierWorkerDeps): Worker[] {
  const tiers = new Worker<RecomputeJobData>(
    QUEUE_NAMES.tiers,
    async (job: Job<RecomputeJobData>) => {
      const log = deps.log.child({ queue: job.queueName, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1 });
      if (job.name === TIERS_DUE_JOB_NAME) {
        const stats = await runDueTiers(deps.tiers);
        if (stats.due > 0) log.info(stats, 'due tiers re-evaluated');
        return stats;
      }
      if (job.name === TIERS_RECOMPUTE_JOB_NAME) {
        const started = Date.now();
        const stats = await runRecomputeAll(deps.tiers, job);
        // The recompute is done: a failure here must not fail (and so re-run) it.
        const tagJobsRetried = await retryFailedTierTags(deps.outboundQueue).catch((err: unknown) => {
          log.warn({ err }, 'failed tier.tag jobs not retried');
          return 0;
        });
        const repair = { ...deps.tagRepair, scanIds: (c: string | null, n: number) => deps.tiers.batches.scanIds(c, n), catalog: deps.mirror.catalog };
        const tagsRepaired = await repairTierTags(repair, deps.tiers.clock.now()).then((r) => r.mistagged, (err: unknown) => {
          log.warn({ err }, 'tier tags not checked');
          return 0;
        });
        log.info({ ...stats, tagJobsRetried, tagsRepaired, ms: Date.now() - started }, 'all tiers recomputed');
        return { ...stats, tagJobsRetried, tagsRepaired };
      }
      throw new Error(`unknown job ${job.name}`);
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1, autorun: false },
  );
  const outbound = createOutboundWorker({ connection: deps.connection, prefix: deps.prefix, queue: deps.outboundQueue, mirror: deps.mirror, log: deps.log });
  for (const worker of [tiers, outbound]) logWorkerTrouble(worker, deps.log);
  return [tiers, outbound];
}
