import { applyBatch, decideBatch, type BatchResult, type TierJobDeps } from './tier-batch.ts';

export interface RecomputeOptions {
  /** The clock of the whole pass: fixed at the start, so a resumed run decides alike. */
  now: number;
  batchSize: number;
  /** Resume after this cursor (from a previous run's progress). */
  from?: string | null;
  /** After each batch: counts so far and the cursor to resume from. */
  onProgress?: (progress: RecomputeStats & { cursor: string | null }) => void | Promise<void>;
}

export interface RecomputeStats {
  scanned: number;
  written: number;
  changed: number;
  retried: number;
}

/**
 * The nightly safety net: every contact's tier recomputed from its facts. Reads in
 * batches (one ZRANGEBYLEX + MGET each, the next read in flight while this one is
 * decided), decides in-process with the pure decideTier, and writes back only the
 * contacts whose stored tier differs, as one pipeline of compare-and-set commits per
 * batch. Nothing is held across batches, so memory stays flat at any size.
 *
 * As a BullMQ job: a job scheduler (`tiers.recompute-all`, cron at night in the business
 * time zone) on a queue whose worker runs at concurrency 1. The processor fixes `now` in
 * job data on the first attempt, calls this with `from` = the cursor saved in
 * job.progress, and saves `cursor` with job.updateProgress in onProgress, so a retried or
 * stalled job resumes where it stopped; re-deciding a batch twice is harmless.
 */
export async function recomputeAllTiers(deps: TierJobDeps, options: RecomputeOptions): Promise<RecomputeStats> {
  const stats: RecomputeStats = { scanned: 0, written: 0, changed: 0, retried: 0 };
  let reading: Promise<ScanPage> | null = deps.batches.scan(options.from ?? null, options.batchSize);
  let writing: Promise<BatchResult> | null = null;
  while (reading) {
    const page: ScanPage = await reading;
    reading = page.nextCursor === null ? null : deps.batches.scan(page.nextCursor, options.batchSize);
    const writes = decideBatch(page.items, deps, options.now);
    if (writing) add(stats, await writing);
    writing = applyBatch(deps, writes, options.now);
    stats.scanned += page.items.length;
    if (options.onProgress) {
      add(stats, await writing);
      writing = null;
      await options.onProgress({ ...stats, cursor: page.nextCursor });
    }
  }
  if (writing) add(stats, await writing);
  return stats;
}

type ScanPage = Awaited<ReturnType<TierJobDeps['batches']['scan']>>;

function add(stats: RecomputeStats, batch: BatchResult): void {
  stats.written += batch.written;
  stats.changed += batch.changed;
  stats.retried += batch.retried;
}
