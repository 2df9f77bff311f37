import { runTierBatches, type TierBatchStore, type TierJobDeps } from './tier-batch.ts';

export interface RecomputeOptions {
  /** The clock of the whole pass: fixed at the start, so a resumed run decides alike. */
  now: number;
  batchSize: number;
  /** Resume after this cursor (from a previous run's progress). */
  from?: string | null;
  /** After each batch is written: counts so far and the cursor to resume from. */
  onProgress?: (progress: RecomputeStats & { cursor: string | null }) => void | Promise<void>;
}

export interface RecomputeStats {
  scanned: number;
  written: number;
  changed: number;
  retried: number;
}

/** Batches whose ids are fetched per this many batches at a time, one chunk ahead. */
const BATCHES_PER_CHUNK = 8;

/**
 * The nightly safety net: every contact's tier recomputed from its facts. Ids come in
 * chunks fetched one chunk ahead; records are read (MGET) ahead of the batch being
 * decided in-process with the pure decideTier; only contacts whose stored tier differs
 * are written back, as batched compare-and-set commits, while the next batches are
 * decided (runTierBatches). A few batches at most are held at once: memory stays flat.
 *
 * As a BullMQ job: a job scheduler (`tiers.recompute-all`, cron at night in the business
 * time zone) on a queue whose worker runs at concurrency 1. The processor fixes `now` in
 * job data on the first attempt, calls this with `from` = the cursor saved in
 * job.progress, and saves `cursor` with job.updateProgress in onProgress, so a retried or
 * stalled job resumes where it stopped; re-deciding a batch twice is harmless.
 */
export async function recomputeAllTiers(deps: TierJobDeps, options: RecomputeOptions): Promise<RecomputeStats> {
  const batches = idBatches(deps.batches, options.from ?? null, options.batchSize);
  const onProgress = options.onProgress;
  return runTierBatches(deps, batches, options.now, onProgress && ((stats, cursor, last) => onProgress({ ...stats, cursor: last ? null : cursor })));
}

/** Batches of ids with the cursor after each; the next chunk of ids is fetched while this one is used. */
async function* idBatches(store: TierBatchStore, from: string | null, size: number): AsyncGenerator<{ ids: string[]; cursor: string }> {
  let chunk: Promise<IdPage> | null = store.scanIds(from, size * BATCHES_PER_CHUNK);
  while (chunk) {
    const page: IdPage = await chunk;
    chunk = page.nextCursor === null ? null : store.scanIds(page.nextCursor, size * BATCHES_PER_CHUNK);
    for (let i = 0; i < page.ids.length; i += size) {
      const ids = page.ids.slice(i, i + size);
      yield { ids, cursor: page.cursorAfter(i + ids.length - 1) };
    }
  }
}

type IdPage = Awaited<ReturnType<TierBatchStore['scanIds']>>;
