import type { VersionedTierInputs } from '../../adapters/redis/contact-store/tier-batches.ts';
import { applyBatch, decideBatch, type BatchResult, type TierBatchStore, type TierJobDeps } from './tier-batch.ts';

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
/** Batches read ahead of the one being decided, and batch writes in flight: Redis and this
 * process then work at the same time instead of waiting on each other. */
const READS_AHEAD = 2;
const WRITES_IN_FLIGHT = 2;

/**
 * The nightly safety net: every contact's tier recomputed from its facts. Ids come in
 * chunks fetched one chunk ahead; records are read (MGET) two batches ahead of the batch
 * being decided in-process with the pure decideTier; only contacts whose stored tier
 * differs are written back, as batched compare-and-set commits, while the next batches
 * are decided. At most a few batches are held at once, so memory stays flat at any size.
 *
 * As a BullMQ job: a job scheduler (`tiers.recompute-all`, cron at night in the business
 * time zone) on a queue whose worker runs at concurrency 1. The processor fixes `now` in
 * job data on the first attempt, calls this with `from` = the cursor saved in
 * job.progress, and saves `cursor` with job.updateProgress in onProgress, so a retried or
 * stalled job resumes where it stopped; re-deciding a batch twice is harmless.
 */
export async function recomputeAllTiers(deps: TierJobDeps, options: RecomputeOptions): Promise<RecomputeStats> {
  const stats: RecomputeStats = { scanned: 0, written: 0, changed: 0, retried: 0 };
  const batches = idBatches(deps.batches, options.from ?? null, options.batchSize);
  const reads: { cursor: string; items: Promise<VersionedTierInputs[]> }[] = [];
  let exhausted = false;
  const readAhead = async (): Promise<void> => {
    while (!exhausted && reads.length <= READS_AHEAD) {
      const next = await batches.next();
      if (next.done) exhausted = true;
      else reads.push({ cursor: next.value.cursor, items: deps.batches.read(next.value.ids) });
    }
  };
  const writing: Promise<BatchResult>[] = [];
  await readAhead();
  while (reads.length > 0) {
    const batch = reads.shift()!;
    await readAhead();
    const items = await batch.items;
    const writes = decideBatch(items, deps, options.now);
    if (writing.length >= WRITES_IN_FLIGHT) add(stats, await writing.shift()!);
    writing.push(applyBatch(deps, writes, options.now));
    stats.scanned += items.length;
    if (options.onProgress) {
      for (const w of writing.splice(0)) add(stats, await w);
      await options.onProgress({ ...stats, cursor: exhausted && reads.length === 0 ? null : batch.cursor });
    }
  }
  for (const w of writing) add(stats, await w);
  return stats;
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

function add(stats: RecomputeStats, batch: BatchResult): void {
  stats.written += batch.written;
  stats.changed += batch.changed;
  stats.retried += batch.retried;
}
