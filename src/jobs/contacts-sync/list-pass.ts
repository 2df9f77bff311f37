import type { BatchGetByUserResponse, FollowInfo, ExternalContact } from '../../wecom/api.ts';
import { toContact } from '../../adapters/wecom-api/contact-directory.ts';
import { WeComApiError, WeComConfigurationError, WeComRateLimitedError } from '../../wecom/api-errors.ts';
import { customerLeftOf } from '../../domain/contacts/follows.ts';
import type { TierChange } from '../../domain/ports.ts';
import { reevaluateTier } from '../../domain/tiers/reevaluate-tier.ts';
import type { ContactSyncDeps, SaveProgress, SyncRun } from './deps.ts';
import type { ContactSyncProgress } from './progress.ts';

/** WeCom's maxima for batch/get_by_user (docs/wecom/api.md, 'Customers'). */
export const MAX_REP_BATCH = 100;
export const MAX_PAGE_LIMIT = 100;

type Entry = BatchGetByUserResponse['external_contact_list'][number];

/**
 * The listing phase: every rep batch (≤100 reps), each read page by page (≤100 pairs) until
 * next_cursor is empty. Each page is stored before its cursor is saved, so a crash re-reads
 * at most one page, and storing a page twice changes nothing. Resumes at `progress.batch`
 * and `progress.cursor`; a saved cursor WeCom no longer accepts restarts that batch.
 */
export async function listAllPairs(deps: ContactSyncDeps, run: SyncRun, start: ContactSyncProgress, save: SaveProgress): Promise<ContactSyncProgress> {
  const size = Math.min(deps.repBatch ?? MAX_REP_BATCH, MAX_REP_BATCH);
  const limit = Math.min(deps.pageLimit ?? MAX_PAGE_LIMIT, MAX_PAGE_LIMIT);
  let progress = start;
  for (let batch = start.batch; batch * size < run.reps.length; batch++) {
    const userids = run.reps.slice(batch * size, (batch + 1) * size);
    let cursor = batch === start.batch ? start.cursor : '';
    let resuming = cursor !== '';
    for (;;) {
      let page: BatchGetByUserResponse;
      try {
        page = await deps.api.batchGetByUser({ userid_list: [...userids], cursor, limit });
      } catch (err) {
        if (!resuming || !isCursorRefusal(err)) throw err;
        deps.log.warn({ batch, errcode: err.errcode }, 'contact sync: saved cursor refused, reading this rep batch again from its start');
        cursor = '';
        resuming = false;
        continue;
      }
      resuming = false;
      const counts = await storePage(deps, run.runId, page.external_contact_list);
      progress = {
        ...progress,
        batch,
        cursor: page.next_cursor,
        pages: progress.pages + 1,
        pairsListed: progress.pairsListed + page.external_contact_list.length,
        pairs: counts.pairs,
        contacts: counts.contacts,
        added: progress.added + counts.added,
        reactivated: progress.reactivated + counts.reactivated,
        tierChanges: progress.tierChanges + counts.tierChanges,
      };
      if (!page.next_cursor) break;
      await save(progress);
      cursor = page.next_cursor;
    }
    progress = { ...progress, batch: batch + 1, cursor: '', repsDone: Math.min(run.reps.length, (batch + 1) * size) };
    await save(progress);
  }
  return progress;
}

/** Any WeCom refusal but busy, rate limits and configuration: an expired or unknown cursor, most likely. */
function isCursorRefusal(err: unknown): err is WeComApiError {
  return err instanceof WeComApiError && err.errcode !== -1 && !(err instanceof WeComRateLimitedError) && !(err instanceof WeComConfigurationError);
}

interface PageCounts {
  /** Distinct pairs and customers the run has read so far. */
  pairs: number;
  contacts: number;
  added: number;
  reactivated: number;
  tierChanges: number;
}

/**
 * Stores one page: per customer, the listed relations merged into the archive (others
 * kept), the customer-left flag, and the tier re-evaluated; then the tier changes go to
 * the listener in one call. Customers of a page are written concurrently (one per customer).
 */
async function storePage(deps: ContactSyncDeps, runId: string, entries: readonly Entry[]): Promise<PageCounts> {
  const byCustomer = new Map<string, { contact: ExternalContact; follows: FollowInfo[] }>();
  for (const { external_contact: contact, follow_info: follow } of entries) {
    const known = byCustomer.get(contact.external_userid);
    if (known) known.follows.push(follow);
    else byCustomer.set(contact.external_userid, { contact, follows: [follow] });
  }
  const counts: PageCounts = { pairs: 0, contacts: 0, added: 0, reactivated: 0, tierChanges: 0 };
  const now = deps.clock.now();
  const { store } = deps.contacts;
  const changes = await Promise.all([...byCustomer.values()].map(async ({ contact, follows }): Promise<TierChange | null> => {
    const { before, contact: stored } = await store.mergeContact(toContact(contact, follows, now));
    for (const follow of follows) {
      const was = before.find((f) => f.userId === follow.userid);
      const is = stored.follows.find((f) => f.userId === follow.userid);
      if (!was) counts.added += 1;
      else if (was.status !== 'active' && is?.status === 'active') counts.reactivated += 1;
    }
    await store.setCustomerLeft(contact.external_userid, customerLeftOf(stored.follows));
    return reevaluateTier(deps.contacts, contact.external_userid, now);
  }));
  // Recorded once the page is stored: a crash before this re-reads the page, as it should.
  Object.assign(counts, await deps.seen.add(runId, entries.map((e) => ({ externalUserId: e.external_contact.external_userid, userId: e.follow_info.userid }))));
  const changed = changes.filter((c): c is TierChange => c !== null);
  counts.tierChanges = changed.length;
  if (changed.length > 0 && deps.contacts.onTierChanges) await deps.contacts.onTierChanges(changed);
  return counts;
}
