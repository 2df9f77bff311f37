import type { TierWrite, VersionedTierInputs } from '../../domain/tiers/ports.ts';
import type { ContactStore, StoredTier, TierChange } from '../../domain/ports.ts';
import { decideTier, reevaluateTier } from '../../domain/tiers/reevaluate-tier.ts';
import type { TierPolicy } from '../../domain/tiers/policy.ts';

/** Batch reads and conditional writes of tiers (adapters/redis RedisTierBatches). */
export interface TierBatchStore {
  /** The next ids of a full pass, the cursor after each and after the last (null: the end). */
  scanIds(cursor: string | null, count: number): Promise<{ ids: string[]; cursorAfter: (index: number) => string; nextCursor: string | null }>;
  read(ids: string[]): Promise<VersionedTierInputs[]>;
  saveIfUnchanged(writes: TierWrite[]): Promise<string[]>;
}

export interface TierJobDeps {
  batches: TierBatchStore;
  /** For contacts written to between a batch read and its write: re-done one by one. */
  store: ContactStore;
  policy: TierPolicy;
  timeZone: string;
  /** Told about every tier change (to mirror it as a WeCom tag); awaited per batch. */
  onChanges?: (changes: TierChange[]) => Promise<void>;
}

export interface BatchResult {
  written: number;
  changed: number;
  /** Contacts that changed between read and write, re-evaluated through the store. */
  retried: number;
}

/** Batches read ahead of the one being decided, and batch writes in flight: Redis and this
 * process then work at the same time instead of waiting on each other. */
const READS_AHEAD = 2;
const WRITES_IN_FLIGHT = 2;

/**
 * Reads, decides and writes batches of contacts, pipelined: records are read two batches
 * ahead of the batch being decided, and up to two batch writes are in flight while the
 * next is decided. `afterBatch` (if given) runs once a batch and all before it are
 * written, with the counts so far and whether it was the last.
 */
export async function runTierBatches(
  deps: TierJobDeps,
  batches: AsyncIterator<{ ids: string[]; cursor: string }>,
  now: number,
  afterBatch?: (stats: BatchResult & { scanned: number }, cursor: string, last: boolean) => void | Promise<void>,
): Promise<BatchResult & { scanned: number }> {
  const stats = { scanned: 0, written: 0, changed: 0, retried: 0 };
  const add = (r: BatchResult) => {
    stats.written += r.written;
    stats.changed += r.changed;
    stats.retried += r.retried;
  };
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
    const writes = decideBatch(items, deps, now);
    if (writing.length >= WRITES_IN_FLIGHT) add(await writing.shift()!);
    writing.push(applyBatch(deps, writes, now));
    stats.scanned += items.length;
    if (afterBatch) {
      for (const w of writing.splice(0)) add(await w);
      await afterBatch({ ...stats }, batch.cursor, exhausted && reads.length === 0);
    }
  }
  for (const w of writing) add(await w);
  return stats;
}

/** The writes a batch needs: only contacts whose stored tier would differ. */
export function decideBatch(items: VersionedTierInputs[], deps: Pick<TierJobDeps, 'policy' | 'timeZone'>, now: number): TierWrite[] {
  const writes: TierWrite[] = [];
  for (const input of items) {
    const { stored, change } = decideTier(input, deps, now);
    if (change || !sameTier(input.tier, stored)) writes.push({ input, tier: stored, change });
  }
  return writes;
}

/** Writes a batch's decisions; a contact that changed meanwhile is re-evaluated afresh. */
export async function applyBatch(deps: TierJobDeps, writes: TierWrite[], now: number): Promise<BatchResult> {
  const stale = new Set(await deps.batches.saveIfUnchanged(writes));
  const changes = writes.filter((w) => w.change && !stale.has(w.input.externalUserId)).map((w) => w.change!);
  for (const id of stale) {
    const change = await reevaluateTier(deps, id, now);
    if (change) changes.push(change);
  }
  if (changes.length > 0) await deps.onChanges?.(changes);
  return { written: writes.length - stale.size, changed: changes.length, retried: stale.size };
}

function sameTier(a: StoredTier | null, b: StoredTier): boolean {
  return a !== null && a.tier === b.tier && a.source === b.source && a.since === b.since && a.nextReviewAt === b.nextReviewAt &&
    a.lifecycle === b.lifecycle && a.reasons.length === b.reasons.length && a.reasons.every((r, i) => r === b.reasons[i]);
}
