import { DelayedError, UnrecoverableError, Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { WeComConfigurationError, WeComRateLimitedError } from '../../wecom/api-errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { QUEUE_NAMES } from '../queues.ts';
import { createQueueWorker, type JobHandler } from '../queue-worker.ts';
import { TIER_TAG_JOB_NAME, type TierTagJobData } from './job.ts';
import { mirrorTierTag, TierTagBusyError, type MirrorTierTagDeps } from './mirror-tier-tag.ts';

export interface TierTagJobDeps {
  /** The wecom-outbound queue, to pause it when WeCom says "rate limited". */
  queue: Pick<Queue, 'rateLimit'>;
  mirror: Omit<MirrorTierTagDeps, 'log'>;
}

export interface OutboundWorkerDeps extends TierTagJobDeps {
  connection: Redis;
  prefix: string;
  log: Logger;
}

/** How long a tier.tag job waits when another job holds its contact (plus up to as much jitter). */
const BUSY_DELAY_MS = 250;

/**
 * `tier.tag` on wecom-outbound. At most MARK_TAG_CONCURRENCY (5) of them run at once across
 * every worker process: the queue's global concurrency (registry.ts; set by the enqueuer
 * before its first job, checked atomically by BullMQ when a job is fetched) plus the same
 * local concurrency, and each job calls mark_tag one relation at a time. Global
 * concurrency rather than a Redis semaphore: BullMQ already frees the slot of a crashed
 * worker's job (stalled-job check), where a semaphore would need leases of its own.
 *
 * A job whose contact another job is mirroring (TierTagBusyError) is delayed, attempt kept.
 * 45009/45033 pause the whole queue for the error's retryAfterMs (RateLimitError puts the
 * job back without using an attempt); the limiter (80% of WeCom's 10,000 calls per minute
 * per API, docs/wecom/api.md, 'Rate limits') is what lets that pause apply. Configuration errors fail at once.
 */
export function tierTagJobHandler(deps: TierTagJobDeps): JobHandler {
  return async (job, token, jobLog) => {
    const data = job.data as TierTagJobData;
    const log = jobLog.child({ externalUserId: data.externalUserId });
    try {
      const result = await mirrorTierTag({ ...deps.mirror, log }, data.externalUserId);
      if (result.marked > 0) log.info(result, 'tier tag mirrored to WeCom');
      return result;
    } catch (err) {
      if (err instanceof TierTagBusyError && token) {
        // Another job mirrors this contact: run again shortly, without using an attempt.
        await job.moveToDelayed(Date.now() + BUSY_DELAY_MS + Math.floor(Math.random() * BUSY_DELAY_MS), token);
        throw new DelayedError();
      }
      if (err instanceof WeComRateLimitedError) {
        log.warn({ kind: err.kind, retryAfterMs: err.retryAfterMs }, 'WeCom rate limit: pausing tier tags');
        await deps.queue.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (err instanceof WeComConfigurationError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

/** The wecom-outbound worker alone (its policy: registry.ts). Not started (autorun off). */
export function createOutboundWorker(deps: OutboundWorkerDeps): Worker<TierTagJobData> {
  return createQueueWorker(QUEUE_NAMES.wecomOutbound, { [TIER_TAG_JOB_NAME]: tierTagJobHandler(deps) }, deps);
}
