import type { Job } from 'bullmq';
import type { Clock } from '../../shared/clock.ts';
import { recomputeAllTiers, type RecomputeStats } from './recompute-all-tiers.ts';
import { reevaluateDueTiers } from './reevaluate-due-tiers.ts';
import type { TierJobDeps } from './tier-batch.ts';

export interface ScheduledTierDeps extends TierJobDeps {
  clock: Clock;
}

/** Contacts per due batch, and batches per run: ≤ 50,000 a minute; the rest waits a minute. */
export const DUE_BATCH = 1000;
export const DUE_MAX_BATCHES = 50;
export const RECOMPUTE_BATCH = 1000;

export interface DueRunStats {
  due: number;
  written: number;
  changed: number;
  retried: number;
  batches: number;
}

/**
 * The every-minute job: re-evaluates due contacts in batches until fewer than a batch are
 * due. `now` is read once, so contacts that fall due during the run wait for the next one.
 * A batch that writes nothing ends the run too: its contacts would come back unchanged.
 */
export async function runDueTiers(deps: ScheduledTierDeps, batch = DUE_BATCH, maxBatches = DUE_MAX_BATCHES): Promise<DueRunStats> {
  const now = deps.clock.now();
  const stats: DueRunStats = { due: 0, written: 0, changed: 0, retried: 0, batches: 0 };
  while (stats.batches < maxBatches) {
    const result = await reevaluateDueTiers(deps, { now, limit: batch });
    stats.batches += 1;
    stats.due += result.due;
    stats.written += result.written;
    stats.changed += result.changed;
    stats.retried += result.retried;
    if (result.due < batch || result.written + result.retried === 0) break;
  }
  return stats;
}

/** A recompute job's data: `now` is fixed on its first attempt so a resumed pass decides alike. */
export interface RecomputeJobData {
  now?: number;
}

/** What a recompute job saves after each batch (job.progress): where to resume, and the counts so far. */
export type RecomputeProgress = RecomputeStats & { cursor: string | null };

/**
 * The nightly full recompute as a resumable job. The first attempt stores `now` in the
 * job's data; every batch stores the cursor in its progress; a retried or stalled job
 * continues from that cursor with the same `now`, and adds to the saved counts.
 */
export async function runRecomputeAll(
  deps: ScheduledTierDeps,
  job: Pick<Job<RecomputeJobData>, 'data' | 'progress' | 'updateData' | 'updateProgress'>,
  batchSize = RECOMPUTE_BATCH,
): Promise<RecomputeStats> {
  let now = job.data.now;
  if (now === undefined) {
    now = deps.clock.now();
    await job.updateData({ ...job.data, now });
  }
  const saved = isProgress(job.progress) ? job.progress : null;
  if (saved && saved.cursor === null) return saved;
  const base: RecomputeStats = saved ?? { scanned: 0, written: 0, changed: 0, retried: 0 };
  const stats = await recomputeAllTiers(deps, {
    now,
    batchSize,
    from: saved?.cursor ?? null,
    onProgress: (p) => job.updateProgress(plus(base, p)),
  });
  return plus(base, { ...stats, cursor: null });
}

function plus(base: RecomputeStats, more: RecomputeProgress): RecomputeProgress {
  return {
    scanned: base.scanned + more.scanned,
    written: base.written + more.written,
    changed: base.changed + more.changed,
    retried: base.retried + more.retried,
    cursor: more.cursor,
  };
}

function isProgress(value: unknown): value is RecomputeProgress {
  return typeof value === 'object' && value !== null && 'cursor' in value && 'scanned' in value;
}
