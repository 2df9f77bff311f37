import type { FollowRelation } from './contact.ts';

export type RelationStatus = FollowRelation['status'];

/** One relation's status as an event reported it, at the time WeCom says it happened. */
export interface RelationFact {
  userId: string;
  status: RelationStatus;
  at: number;
}

/**
 * Which status wins when two facts carry the same time (WeCom's times are whole seconds):
 * a removal beats an add, so the answer does not depend on arrival order.
 */
const PRECEDENCE: Record<RelationStatus, number> = { active: 0, removed_by_rep: 1, removed_by_customer: 2 };

/** Whether `fact` is newer than what `relation` records (ties broken by PRECEDENCE). */
function supersedes(fact: { status: RelationStatus; at: number }, relation: FollowRelation): boolean {
  if (fact.at !== relation.changedAt) return fact.at > relation.changedAt;
  return PRECEDENCE[fact.status] > PRECEDENCE[relation.status];
}

/**
 * Applies one status fact to the relations. Last writer by event time wins, so the same
 * facts replayed in any order give the same relations. A fact about a rep with no known
 * relation changes nothing: without the relation there is nothing to mark.
 */
export function applyRelationFact(follows: readonly FollowRelation[], fact: RelationFact): FollowRelation[] {
  return follows.map((f) =>
    f.userId === fact.userId && supersedes(fact, f) ? { ...f, status: fact.status, changedAt: fact.at } : f,
  );
}

/**
 * The relations after a fresh read from WeCom (which lists every relation as active).
 * WeCom's read is the truth for the fields (remark, tags, state) and for relations we did
 * not know. A removal we recorded stands unless WeCom shows the relation added after it:
 * WeCom keeps listing a rep for a while after del_external_contact, and keeps a one-way
 * relation after del_follow_user (docs/wecom/callbacks.md, 'Event kinds'). A relation we had as active that WeCom
 * no longer lists is gone: removed by the rep, at `at`.
 */
export function mergeFetchedFollows(
  stored: readonly FollowRelation[],
  fetched: readonly FollowRelation[],
  at: number,
): FollowRelation[] {
  const storedByRep = new Map(stored.map((f) => [f.userId, f]));
  const merged = fetched.map((f) => mergeFetched(storedByRep.get(f.userId), f));
  const listed = new Set(fetched.map((f) => f.userId));
  for (const f of stored) {
    if (listed.has(f.userId)) continue;
    merged.push(f.status === 'active' ? { ...f, status: 'removed_by_rep', changedAt: Math.max(at, f.changedAt) } : f);
  }
  return merged;
}

/** One relation WeCom lists, merged into what we know of it (the rules of mergeFetchedFollows). */
function mergeFetched(known: FollowRelation | undefined, f: FollowRelation): FollowRelation {
  if (!known) return f;
  if (known.status === 'active') return { ...f, changedAt: Math.max(known.changedAt, f.changedAt) };
  return supersedes({ status: 'active', at: f.addedAt }, known) ? f : { ...f, status: known.status, changedAt: known.changedAt };
}

/**
 * The relations after a listing that names only some of the customer's reps (a page of
 * batch/get_by_user holds one (customer, rep) pair per entry): the listed reps' relations
 * merged as in mergeFetchedFollows, every other relation kept as stored. So pages and rep
 * batches can arrive in any order without one overwriting another's relations.
 */
export function mergeListedFollows(stored: readonly FollowRelation[], listed: readonly FollowRelation[]): FollowRelation[] {
  const listedByRep = new Map(listed.map((f) => [f.userId, f]));
  const merged = stored.map((f) => {
    const fetched = listedByRep.get(f.userId);
    return fetched ? mergeFetched(f, fetched) : f;
  });
  const known = new Set(stored.map((f) => f.userId));
  for (const f of listedByRep.values()) if (!known.has(f.userId)) merged.push(f);
  return merged;
}

/**
 * The customer has left (churn signal, tier D, no more pushes) when no relation is active
 * and at least one ended by the customer deleting the rep.
 */
export function customerLeftOf(follows: readonly FollowRelation[]): boolean {
  return !follows.some((f) => f.status === 'active') && follows.some((f) => f.status === 'removed_by_customer');
}
