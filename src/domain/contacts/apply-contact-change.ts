import type { Contact, FollowRelation } from './contact.ts';
import type { ContactDirectory, ContactRecord, OptOutsListener, TierChange, TierTagCatalog } from '../ports.ts';
import { applyRelationFact, customerLeftOf, mergeFetchedFollows, type RelationStatus } from './follows.ts';
import { settleTiers, type SettleDeps } from './settle-tiers.ts';

/** A change to one rep ↔ customer relation, as WeCom reported it (change_external_contact). */
export interface ContactChange {
  /** added: add_(half_)external_contact; removed_by_rep: del_external_contact; removed_by_customer: del_follow_user. */
  kind: 'added' | 'edited' | 'removed_by_rep' | 'removed_by_customer';
  userId: string;
  externalUserId: string;
  /** added: the 「联系我」 state, i.e. the channel the customer came through. */
  state?: string;
  /** When WeCom says it happened (ms): orders relation facts, so replays in any order agree. */
  at: number;
}

export interface ContactChangeDeps extends SettleDeps {
  directory: ContactDirectory;
  /** Told about customers whose message opted them out (recordInteractions); default: nobody. */
  onOptOuts?: OptOutsListener;
  /** Without it, a rep's tier tag edit is not detected (nothing else changes). */
  catalog?: TierTagCatalog;
}

/**
 * stored: the contact was (re)written; override: the rep's tier tag edit became a manual
 * override; relation_gone: WeCom no longer has the relation (84061/40096), marked removed;
 * unknown_contact: neither we nor WeCom know the contact, nothing done.
 */
export type ContactChangeOutcome = 'stored' | 'override' | 'relation_gone' | 'unknown_contact';

export interface ContactChangeResult {
  outcome: ContactChangeOutcome;
  changes: TierChange[];
}

/** The override reason shown when a rep changed the tier tag in the WeCom client. */
export const REP_TAG_OVERRIDE_REASON = '销售在企业微信中修改了分级标签';

const STATUS_OF: Partial<Record<ContactChange['kind'], RelationStatus>> = {
  added: 'active',
  removed_by_rep: 'removed_by_rep',
  removed_by_customer: 'removed_by_customer',
};

/**
 * Turns one relation event into facts: thin event, fat lookup. Adds and edits re-read the
 * contact from WeCom; removals trust the event (WeCom may still list the relation) and
 * only read when the contact is new to us. Then the customer-left flag, and the tier.
 * A rep who put a different tier tag on the relation has made a manual override: it is
 * recorded, not fought.
 */
export async function applyContactChange(deps: ContactChangeDeps, change: ContactChange, now: number): Promise<ContactChangeResult> {
  const id = change.externalUserId;
  const record = await deps.store.get(id);
  const mustRead = change.kind === 'added' || change.kind === 'edited' || !record;
  const fetched = mustRead ? await deps.directory.getContact(id) : null;

  if (mustRead && !fetched) {
    if (!record) return { outcome: 'unknown_contact', changes: [] };
    const follows = applyRelationFact(record.contact.follows, { userId: change.userId, status: 'removed_by_rep', at: change.at });
    await writeContact(deps, { ...record.contact, follows, updatedAt: now });
    return { outcome: 'relation_gone', changes: await settleTiers(deps, [id], now) };
  }

  const base: Contact = fetched
    ? { ...fetched, follows: mergeFetchedFollows(record?.contact.follows ?? [], fetched.follows, change.at) }
    : { ...record!.contact, updatedAt: now };
  const status = STATUS_OF[change.kind];
  let follows = withChannel(base.follows, change);
  if (status) follows = applyRelationFact(follows, { userId: change.userId, status, at: change.at });
  // The override before the relation's new tags: a job that dies between the two writes
  // and runs again still finds the rep's tag newly added, so the override is not lost.
  const overridden = change.kind === 'edited' && record ? await recordTagOverride(deps, record, follows, change, now) : false;
  await writeContact(deps, { ...base, follows });
  return { outcome: overridden ? 'override' : 'stored', changes: await settleTiers(deps, [id], now) };
}

async function writeContact(deps: ContactChangeDeps, contact: Contact): Promise<void> {
  await deps.store.upsertContact(contact);
  await deps.store.setCustomerLeft(contact.externalUserId, customerLeftOf(contact.follows));
}

/** An add's State is the channel; WeCom's read carries it too, but not always (half adds). */
function withChannel(follows: FollowRelation[], change: ContactChange): FollowRelation[] {
  if (change.kind !== 'added' || !change.state) return follows;
  return follows.map((f) => (f.userId === change.userId && !f.state ? { ...f, state: change.state } : f));
}

/**
 * The rep's edit added a tier tag naming another tier than the stored one: a manual
 * override by that rep. Only tags *added* by this edit count, so a tag Fenji itself set
 * (mark_tag fires no callback) or an unrelated remark edit never reads as an override.
 */
async function recordTagOverride(
  deps: ContactChangeDeps,
  record: ContactRecord,
  follows: FollowRelation[],
  change: ContactChange,
  now: number,
): Promise<boolean> {
  if (!deps.catalog) return false;
  const before = record.contact.follows.find((f) => f.userId === change.userId);
  const after = follows.find((f) => f.userId === change.userId);
  if (!before || !after) return false;
  const added = after.tagIds.filter((t) => !before.tagIds.includes(t));
  if (added.length === 0) return false;
  const tier = await deps.catalog.tierOfTagIds(added);
  if (!tier || tier === record.tier?.tier) return false;
  await deps.store.setOverride(change.externalUserId, { tier, by: change.userId, reason: REP_TAG_OVERRIDE_REASON, at: now });
  return true;
}
