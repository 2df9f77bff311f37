import type { TierTagIds } from '../../adapters/wecom-api/tier-tags.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import { tierTagPlan } from './mirror-tier-tag.ts';
import type { TierBatchStore } from '../tiers/tier-batch.ts';
import type { TierTagRequest } from './enqueue-tier-tags.ts';

export interface RepairTierTagsDeps {
  scanIds: TierBatchStore['scanIds'];
  /** Whole records (relations and their tags included); unknown ids left out. */
  records(ids: string[]): Promise<ContactRecord[]>;
  catalog: { ids(): Promise<TierTagIds> };
  /** Queues tier.tag jobs (the tier.tag enqueuer). */
  enqueue(requests: readonly TierTagRequest[]): Promise<void>;
}

export interface RepairStats {
  scanned: number;
  /** Contacts with an active relation whose recorded tier tags differ from the stored tier. */
  mistagged: number;
}

const BATCH = 1000;

/**
 * The nightly tier tag repair: every contact whose recorded relation tags (Fenji records
 * the tags it sets, and a rep's edits arrive as edit_external_contact) do not carry
 * exactly its stored tier's tag gets a tier.tag job. That mends what a lost job, a crash
 * between mark_tag and recording, or a tier tag deleted and created again in the admin
 * console (new ids) left behind; a rep's own tier tag edit is an override, so the stored
 * tier already matches it and nothing is queued. `at` makes the night's job ids new, so
 * they are not taken for the completed jobs of the same tier change.
 */
export async function repairTierTags(deps: RepairTierTagsDeps, at: number): Promise<RepairStats> {
  const { tags } = await deps.catalog.ids();
  const stats: RepairStats = { scanned: 0, mistagged: 0 };
  let cursor: string | null = null;
  do {
    const page = await deps.scanIds(cursor, BATCH);
    const records = await deps.records(page.ids);
    stats.scanned += records.length;
    const requests: TierTagRequest[] = [];
    for (const record of records) {
      const tier = record.tier?.tier;
      if (!tier) continue;
      const active = record.contact.follows.filter((f) => f.status === 'active');
      if (active.some((f) => tierTagPlan(f.tagIds, tier, tags) !== null)) {
        requests.push({ externalUserId: record.contact.externalUserId, to: tier, at });
      }
    }
    stats.mistagged += requests.length;
    if (requests.length > 0) await deps.enqueue(requests);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return stats;
}
