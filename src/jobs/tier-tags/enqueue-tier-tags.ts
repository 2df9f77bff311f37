import type { Queue } from 'bullmq';
import type { TierChange } from '../../domain/ports.ts';
import { applyQueuePolicy } from '../registry.ts';
import { TIER_TAG_JOB_NAME, TIER_TAG_JOB_OPTIONS, type TierTagJobData } from './job.ts';

/** What a tier.tag job is queued for: a tier change, or the nightly repair's finding. */
export type TierTagRequest = Pick<TierChange, 'externalUserId' | 'to' | 'at'>;

/**
 * The jobId of a change's tier.tag job: the same change enqueued twice (a replayed event,
 * a retried batch) is one job. BullMQ ids may not contain ':'.
 */
export function tierTagJobId(change: TierTagRequest): string {
  return `tier-tag.${change.externalUserId.replaceAll(':', '_')}.${change.to}.${change.at}`;
}

/**
 * Turns tier changes into tier.tag jobs on the wecom-outbound queue, one per contact (the
 * latest change wins: the job mirrors the tier stored when it runs anyway). This is the
 * `onTierChanges` / `onChanges` hook of the event handlers and the tier batch jobs.
 *
 * Before its first job it sets the queue's global concurrency (registry.ts; kept in Redis),
 * so the limit is in place before any job can be fetched, whichever process enqueues first.
 */
export function tierTagEnqueuer(
  queue: Pick<Queue<TierTagJobData>, 'name' | 'addBulk' | 'setGlobalConcurrency'>,
): (changes: readonly TierTagRequest[]) => Promise<void> {
  let limited: Promise<unknown> | null = null;
  return async (changes) => {
    const latest = new Map<string, TierTagRequest>();
    for (const change of changes) {
      const seen = latest.get(change.externalUserId);
      if (!seen || change.at >= seen.at) latest.set(change.externalUserId, change);
    }
    if (latest.size === 0) return;
    limited ??= applyQueuePolicy(queue).catch((err: unknown) => {
      limited = null;
      throw err;
    });
    await limited;
    await queue.addBulk(
      [...latest.values()].map((c) => ({
        name: TIER_TAG_JOB_NAME,
        data: { externalUserId: c.externalUserId, tier: c.to, at: c.at },
        opts: { ...TIER_TAG_JOB_OPTIONS, jobId: tierTagJobId(c) },
      })),
    );
  };
}
