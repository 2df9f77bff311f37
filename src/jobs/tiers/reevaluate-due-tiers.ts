import { runTierBatches, type BatchResult, type TierJobDeps } from './tier-batch.ts';

/**
 * Time moves tiers: re-evaluates the contacts whose nextReviewAt has passed (oldest
 * first, at most `limit`), in pipelined batches of `batchSize` (default 500). Each
 * written contact gets a later nextReviewAt (or none), so it leaves the due index; a
 * scheduler calls this every minute or so until it returns fewer than `limit`.
 */
export async function reevaluateDueTiers(
  deps: TierJobDeps,
  options: { now: number; limit: number; batchSize?: number },
): Promise<BatchResult & { due: number }> {
  const ids = await deps.store.due(options.now, options.limit);
  const size = Math.max(1, options.batchSize ?? 500);
  async function* batches(): AsyncGenerator<{ ids: string[]; cursor: string }> {
    for (let i = 0; i < ids.length; i += size) yield { ids: ids.slice(i, i + size), cursor: '' };
  }
  const { scanned: _scanned, ...result } = await runTierBatches(deps, batches(), options.now);
  return { ...result, due: ids.length };
}
