import type { JobsOptions } from 'bullmq';

/** mark_tag calls in flight across the deployment (WeCom: ≤5 concurrent, 45033 beyond; docs/wecom/api.md, 'Rate limits'). */
export const MARK_TAG_CONCURRENCY = 5;

/** `tier.tag` on wecom-outbound: mirror a contact's current tier as a WeCom corp tag. */
export const TIER_TAG_JOB_NAME = 'tier.tag';

/** The change that caused a `tier.tag` job; the job mirrors whatever tier is stored when it runs. */
export interface TierTagJobData {
  externalUserId: string;
  tier: string;
  at: number;
}

/**
 * Completed tier.tag jobs stay a day (their ids make a replayed change a no-op meanwhile);
 * retries back off from 2 s (2, 4, 8 … ≈ 17 min in all). Rate limits do not use attempts.
 */
export const TIER_TAG_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 86_400, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
