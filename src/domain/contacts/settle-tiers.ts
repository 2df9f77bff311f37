import type { TierChange, TierChangesListener } from '../ports.ts';
import { reevaluateTier, type ReevaluateDeps } from '../tiers/reevaluate-tier.ts';

export interface SettleDeps extends ReevaluateDeps {
  /** Told about the changes once they are stored; default: nobody. */
  onTierChanges?: TierChangesListener;
}

/**
 * Re-evaluates each contact once after new facts, and tells the listener about the tiers
 * that changed. The listener runs after the changes are stored: if it fails, the caller
 * retries the whole step, and a retry finds no change left to report, so a listener that
 * must not miss one should record it durably first (e.g. enqueue a job).
 */
export async function settleTiers(deps: SettleDeps, externalUserIds: Iterable<string>, now: number): Promise<TierChange[]> {
  const changes: TierChange[] = [];
  for (const id of new Set(externalUserIds)) {
    const change = await reevaluateTier(deps, id, now);
    if (change) changes.push(change);
  }
  if (changes.length > 0 && deps.onTierChanges) await deps.onTierChanges(changes);
  return changes;
}
