import type { Job, Queue } from 'bullmq';
import { TIER_TAG_JOB_NAME } from './job.ts';

/** Failed jobs looked at per page. */
const PAGE = 500;

/**
 * Gives every failed tier.tag job (the dead-letter store keeps them a week) a new round of
 * attempts. Run after the nightly recompute: a WeCom outage longer than a job's retries
 * (≈ 17 min) or a configuration error fixed since would otherwise leave the rep's client
 * showing a stale tier until the contact's next change. A job mirrors the tier stored when
 * it runs, so an old job converges; relations already tagged right get no call.
 * Returns how many jobs were retried.
 */
export async function retryFailedTierTags(queue: Pick<Queue, 'getFailed'>): Promise<number> {
  let retried = 0;
  let skipped = 0;
  for (;;) {
    // Retried jobs leave the failed set, so the next page starts after the ones skipped.
    const page: Job[] = await queue.getFailed(skipped, skipped + PAGE - 1);
    if (page.length === 0) return retried;
    for (const job of page) {
      if (job.name !== TIER_TAG_JOB_NAME) {
        skipped += 1;
        continue;
      }
      try {
        await job.retry('failed', { resetAttemptsMade: true });
        retried += 1;
      } catch {
        // Removed or retried by someone else meanwhile: nothing to do for it.
        skipped += 1;
      }
    }
  }
}
