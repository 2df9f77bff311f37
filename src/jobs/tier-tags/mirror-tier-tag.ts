import type { TierTagIds } from '../../adapters/wecom-api/tier-tags.ts';
import type { WeComApi } from '../../wecom/api.ts';
import { WeComApiError } from '../../wecom/api-errors.ts';
import type { FollowRelation } from '../../domain/contacts/contact.ts';
import type { ContactStore } from '../../domain/ports.ts';
import { TIERS, type Tier } from '../../domain/tiers/policy.ts';
import type { Logger } from '../../shared/logger.ts';

export interface MirrorTierTagDeps {
  store: Pick<ContactStore, 'get' | 'upsertContact'>;
  catalog: { ids(): Promise<TierTagIds>; refresh(): Promise<TierTagIds> };
  api: Pick<WeComApi, 'markTag'>;
  /** One mirroring job per contact at a time (adapters/redis/tier-tag-lock.ts). */
  lock: { tryWith<T>(externalUserId: string, fn: () => Promise<T>): Promise<{ held: true; value: T } | { held: false }> };
  log: Logger;
}

/** Another job is mirroring this contact right now: run this one again a little later. */
export class TierTagBusyError extends Error {
  constructor(readonly externalUserId: string) {
    super(`another tier.tag job holds contact ${externalUserId}`);
    this.name = 'TierTagBusyError';
  }
}

export interface MirrorResult {
  tier: Tier | null;
  marked: number;
  /** Relations that already carried exactly the right tier tag. */
  alreadyTagged: number;
  /** Relations WeCom no longer has (84061 and kin): skipped. */
  gone: number;
}

/** WeCom answers for a relation that cannot be tagged and never will be: skip it (docs/wecom/api.md, 'Errcodes'). */
const RELATION_GONE = new Set([84061, 40096, 60011, 60021, 60111]);
/** The tag id is not (or no longer) a corp tag: the cached catalog is stale. */
const INVALID_TAG = 40068;

/**
 * Mirrors a contact's tier on every active follow relation: adds its tier tag and removes
 * the other tier tags, one mark_tag per relation, one at a time (the outbound queue bounds
 * how many jobs run at once, so this bounds mark_tag calls in flight).
 *
 * It mirrors the tier stored now, not the one in the job, so jobs that run late or out of
 * order still converge: the tier is read after everything that can wait (the tag catalog
 * may be created in WeCom first), and under the contact's lock, held until the tags set
 * are recorded. So an older job can never finish after a newer one with an older tier: a
 * tier change during a job queues a new job, which waits for the lock and then reads the
 * new tier. A relation that already carries exactly the right tier tag gets no call: that
 * is also how a rep's own tier-tag edit (an override) is left alone. WeCom sends no
 * callback for our mark_tag (docs/wecom/api.md, 'Corp tags'), so each success is written to the
 * stored relation right away; a retried job then skips what is done.
 * @throws TierTagBusyError when another job holds the contact; WeComRateLimitedError and
 * other WeCom errors, for the worker to retry.
 */
export async function mirrorTierTag(deps: MirrorTierTagDeps, externalUserId: string): Promise<MirrorResult> {
  const ids = await deps.catalog.ids();
  const locked = await deps.lock.tryWith(externalUserId, () => mirrorLocked(deps, externalUserId, ids));
  if (!locked.held) throw new TierTagBusyError(externalUserId);
  return locked.value;
}

async function mirrorLocked(deps: MirrorTierTagDeps, externalUserId: string, ids: TierTagIds): Promise<MirrorResult> {
  const result: MirrorResult = { tier: null, marked: 0, alreadyTagged: 0, gone: 0 };
  const record = await deps.store.get(externalUserId);
  if (!record?.tier) return result;
  const tier = record.tier.tier;
  result.tier = tier;
  for (const relation of record.contact.follows.filter((f) => f.status === 'active')) {
    const plan = tierTagPlan(relation.tagIds, tier, ids.tags);
    if (!plan) {
      result.alreadyTagged += 1;
      continue;
    }
    try {
      await deps.api.markTag({ userid: relation.userId, external_userid: externalUserId, add_tag: plan.add, remove_tag: plan.remove });
    } catch (err) {
      if (err instanceof WeComApiError && RELATION_GONE.has(err.errcode)) {
        deps.log.info({ userId: relation.userId, errcode: err.errcode }, 'tier tag skipped: relation gone in WeCom');
        result.gone += 1;
        continue;
      }
      // Someone deleted a tier tag and its callback was lost: reload, and let the retry use the new ids.
      if (err instanceof WeComApiError && err.errcode === INVALID_TAG) await deps.catalog.refresh();
      throw err;
    }
    await recordRelationTags(deps.store, externalUserId, relation.userId, (tagIds) => applyPlan(tagIds, plan));
    result.marked += 1;
  }
  return result;
}

/** What mark_tag must send so a relation carries exactly `tier`'s tag; null when it already does. */
export function tierTagPlan(tagIds: readonly string[], tier: Tier, tags: Record<Tier, string>): { add: string[]; remove: string[] } | null {
  const others = TIERS.filter((t) => t !== tier).map((t) => tags[t]);
  if (tagIds.includes(tags[tier]) && !others.some((id) => tagIds.includes(id))) return null;
  // Remove every other tier tag, not only the ones we know of: the stored tags may lag WeCom's.
  return { add: [tags[tier]], remove: others };
}

function applyPlan(tagIds: readonly string[], plan: { add: string[]; remove: string[] }): string[] {
  const removed = new Set(plan.remove);
  return [...new Set([...tagIds.filter((id) => !removed.has(id)), ...plan.add])];
}

/**
 * Writes a relation's tags as WeCom now has them. Read-modify-write through upsertContact:
 * a concurrent re-read of the contact from WeCom (edit_external_contact) writes the same
 * WeCom truth, so the race is benign.
 */
async function recordRelationTags(
  store: MirrorTierTagDeps['store'],
  externalUserId: string,
  userId: string,
  update: (tagIds: readonly string[]) => string[],
): Promise<void> {
  const record = await store.get(externalUserId);
  if (!record) return;
  const follows: FollowRelation[] = record.contact.follows.map((f) => (f.userId === userId ? { ...f, tagIds: update(f.tagIds) } : f));
  await store.upsertContact({ ...record.contact, follows });
}
