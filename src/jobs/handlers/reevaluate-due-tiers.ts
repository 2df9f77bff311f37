import { applyBatch, decideBatch, type BatchResult, type TierJobDeps } from './tier-batch.ts';

/**
 * Time moves tiers: re-evaluates the contacts whose nextReviewAt has passed (oldest
 * first, at most `limit`), with one batch read and one pipelined write. Each written
 * contact gets a later nextReviewAt (or none), so it leaves the due index; a scheduler
 * calls this every minute or so until it returns fewer than `limit`.
 */
export async function reevaluateDueTiers(
  deps: TierJobDeps,
  options: { now: number; limit: number },
): Promise<BatchResult & { due: number }> {
  const ids = await deps.store.due(options.now, options.limit);
  const items = await deps.batches.read(ids);
  const result = await applyBatch(deps, decideBatch(items, deps, options.now), options.now);
  return { ...result, due: ids.length };
}
