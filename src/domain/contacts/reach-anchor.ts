import type { Engagement } from '../engagement/engagement.ts';
import type { StoredTier } from '../ports.ts';
import type { Tier } from '../tiers/policy.ts';

// Part of the contact store's contract (its follow-up due index stores this per contact),
// so it lives with contacts: the store depends on it, follow-up rules read it, and the
// store never reaches into follow-up rules.
/**
 * Where a contact's follow-up cadence counts from: its last outbound contact (our push, or
 * an outbound message, call or visit recorded through the API: engagement.pushes), or,
 * never pushed, when it entered its tier. Null when it gets no follow-up whatever the
 * policy says (customer left, no active relation, no tier). The follow-up due index stores
 * exactly this per tier, so the index and planFollowUp cannot disagree.
 */
export function followUpAnchor(input: {
  tier: StoredTier | null;
  engagement: Pick<Engagement, 'pushes' | 'customerLeft'>;
  hasActiveRelation: boolean;
}): { tier: Tier; anchor: number } | null {
  if (input.engagement.customerLeft || !input.hasActiveRelation || !input.tier) return null;
  return { tier: input.tier.tier, anchor: input.engagement.pushes.at(-1) ?? input.tier.since };
}
