import type { ListedPair } from '../../domain/contacts/ports.ts';
import type { TierChange } from '../../domain/ports.ts';
import { customerLeftOf, type RelationFact } from '../../domain/contacts/follows.ts';
import { reevaluateTier } from '../../domain/tiers/reevaluate-tier.ts';
import type { ContactSyncDeps, SaveProgress, SyncRun } from './deps.ts';
import type { ContactSyncProgress } from './progress.ts';

const DEFAULT_SCAN_LIMIT = 500;

/**
 * The reconciliation, run only after a complete listing: every relation active in the
 * archive that WeCom's full listing did not show is a delete event WeCom never delivered,
 * so it is marked removed by the rep as of the run's start. Only relations of reps WeCom
 * listed: a rep missing from get_follow_user_list (out of the app's visible range, or gone)
 * says nothing about their customers, so those relations are counted and left alone. A
 * relation changed after the run started (a callback during the pass) is newer than the
 * listing and stays as it is (applyRelationFact keeps the later fact).
 */
export async function reconcileRemovals(deps: ContactSyncDeps, run: SyncRun, start: ContactSyncProgress, save: SaveProgress): Promise<ContactSyncProgress> {
  const { store } = deps.contacts;
  const reps = new Set(run.reps);
  let progress = start;
  let cursor = start.reconcileCursor;
  do {
    const page = await store.list({ cursor, limit: deps.scanLimit ?? DEFAULT_SCAN_LIMIT });
    const candidates: ListedPair[] = [];
    let unlisted = 0;
    for (const { contact } of page.records) {
      for (const f of contact.follows) {
        if (f.status !== 'active' || f.changedAt > run.startedAt) continue;
        if (reps.has(f.userId)) candidates.push({ externalUserId: contact.externalUserId, userId: f.userId });
        else unlisted += 1;
      }
    }
    const listed = await deps.seen.listed(run.runId, candidates);
    const gone = new Map<string, RelationFact[]>();
    candidates.forEach((pair, i) => {
      if (listed[i]) return;
      const facts = gone.get(pair.externalUserId) ?? [];
      facts.push({ userId: pair.userId, status: 'removed_by_rep', at: run.startedAt });
      gone.set(pair.externalUserId, facts);
    });
    const { removed, changes } = await markRemoved(deps, gone);
    cursor = page.nextCursor;
    progress = {
      ...progress,
      reconcileCursor: cursor,
      scanned: progress.scanned + page.records.length,
      removed: progress.removed + removed,
      unlistedRepRelations: progress.unlistedRepRelations + unlisted,
      tierChanges: progress.tierChanges + changes,
    };
    await save(progress);
  } while (cursor !== null);
  return progress;
}

/** Applies the removal facts per contact, then the customer-left flag and the tier; tells the listener once. */
async function markRemoved(deps: ContactSyncDeps, gone: Map<string, RelationFact[]>): Promise<{ removed: number; changes: number }> {
  if (gone.size === 0) return { removed: 0, changes: 0 };
  const { store } = deps.contacts;
  const now = deps.clock.now();
  let removed = 0;
  const changes = await Promise.all([...gone].map(async ([id, facts]): Promise<TierChange | null> => {
    const after = await store.applyRelationFacts(id, facts);
    if (!after) return null;
    removed += facts.filter((fact) => after.follows.some((f) => f.userId === fact.userId && f.status === fact.status && f.changedAt === fact.at)).length;
    await store.setCustomerLeft(id, customerLeftOf(after.follows));
    return reevaluateTier(deps.contacts, id, now);
  }));
  const changed = changes.filter((c): c is TierChange => c !== null);
  if (changed.length > 0 && deps.contacts.onTierChanges) await deps.contacts.onTierChanges(changed);
  return { removed, changes: changed.length };
}
