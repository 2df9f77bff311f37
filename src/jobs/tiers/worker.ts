import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/logger.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { createQueueWorker, type JobHandler } from '../queue-worker.ts';
import type { MirrorTierTagDeps } from '../tier-tags/mirror-tier-tag.ts';
import { createOutboundWorker } from '../tier-tags/outbound-worker.ts';
import { repairTierTags, type RepairTierTagsDeps } from '../tier-tags/repair-tier-tags.ts';
import { retryFailedTierTags } from '../tier-tags/retry-failed-tier-tags.ts';
import { TIERS_DUE_JOB_NAME, TIERS_RECOMPUTE_JOB_NAME } from './job.ts';
import { runDueTiers, runRecomputeAll, type RecomputeJobData, type ScheduledTierDeps } from './scheduled-tiers.ts';

export interface TierJobsDeps {
  /** Due re-evaluation and recompute; their onChanges should enqueue tier.tag jobs. */
  tiers: ScheduledTierDeps;
  mirror: Omit<MirrorTierTagDeps, 'log'>;
  /** The nightly tier tag repair's reads and queueing (its ids and catalog come from tiers and mirror). */
  tagRepair: Pick<RepairTierTagsDeps, 'records' | 'enqueue'>;
  outboundQueue: Pick<Queue, 'rateLimit' | 'getFailed'>;
}

export interface TierWorkerDeps extends TierJobsDeps {
  connection: Redis;
  prefix: string;
  log: Logger;
}

/** `tiers.reevaluate-due` (every minute): re-evaluates the contacts due. */
export function dueTiersJobHandler(deps: Pick<TierJobsDeps, 'tiers'>): JobHandler {
  return async (_job, _token, log) => {
    const stats = await runDueTiers(deps.tiers);
    if (stats.due > 0) log.info(stats, 'due tiers re-evaluated');
    return stats;
  };
}

/** `tiers.recompute-all` (nightly): the full recompute, then a retry of failed tier.tag jobs and the tier tag repair. */
export function recomputeTiersJobHandler(deps: TierJobsDeps): JobHandler {
  return async (job, _token, log) => {
    const started = Date.now();
    const stats = await runRecomputeAll(deps.tiers, job as Job<RecomputeJobData>);
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
  };
}

/**
 * The workers of time-driven tiers: `tiers` (one job at a time) and `wecom-outbound`
 * (tier.tag → mark_tag). Not started (autorun off).
 */
export function createTierWorkers(deps: TierWorkerDeps): Worker[] {
  const tiers = createQueueWorker(QUEUE_NAMES.tiers, {
    [TIERS_DUE_JOB_NAME]: dueTiersJobHandler(deps),
    [TIERS_RECOMPUTE_JOB_NAME]: recomputeTiersJobHandler(deps),
  }, deps);
  const outbound = createOutboundWorker({ ...deps, queue: deps.outboundQueue });
  return [tiers, outbound];
}
