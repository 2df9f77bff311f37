import type { TierWrite, VersionedTierInputs } from '../../adapters/redis/contact-store/tier-batches.ts';
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
