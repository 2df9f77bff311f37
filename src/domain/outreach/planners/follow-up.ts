import type { FollowRelation } from '../../contacts/contact.ts';
import { followUpAnchor } from '../../contacts/reach-anchor.ts';
import type { ContactRecord } from '../../ports.ts';
import type { Tier } from '../../tiers/policy.ts';
import { addDays, instantOf, localDateOf } from '../../followups/local-time.ts';
import type { FollowUpPolicy } from '../../followups/policy.ts';
import { isSendAllowed, nextSendAllowedAt } from '../../followups/send-window.ts';

/**
 * Why a contact gets no follow-up now. Stable codes (logs, job results):
 * - customer_left: the customer removed the rep, or no relation is active any more;
 * - no_tier: not tiered yet;
 * - cadence_off: its tier's everyDays is 0;
 * - not_yet: its cadence has not come round (nextAt: when it will);
 * - quiet_hours: due, but now is outside the send window or inside quiet hours (nextAt: when allowed).
 */
export type FollowUpSkip =
  | { status: 'skip'; reason: 'customer_left' | 'no_tier' | 'cadence_off' }
  | { status: 'skip'; reason: 'not_yet' | 'quiet_hours'; nextAt: number };

export type FollowUpDecision = { status: 'due'; userId: string; tier: Tier; text: string } | FollowUpSkip;

export type FollowUpSkipReason = FollowUpSkip['reason'];

/** What the decision reads from a contact. */
export type FollowUpInput = Pick<ContactRecord, 'contact' | 'engagement' | 'tier'>;

/**
 * When a contact anchored at `anchor` falls due: local midnight `everyDays` calendar days
 * after the anchor's day. Cadences count whole days, so every contact due on a day goes
 * out in that day's first send window, one task per rep and tier rather than one per run.
 */
export function followUpDueAt(anchor: number, everyDays: number, timeZone: string): number {
  return instantOf(addDays(localDateOf(anchor, timeZone), everyDays), 0, timeZone);
}

/**
 * The anchors due at `now` are those strictly before this instant: local midnight
 * `everyDays - 1` days after today's start (the due index query's bound).
 */
export function followUpCutoff(now: number, everyDays: number, timeZone: string): number {
  return instantOf(addDays(localDateOf(now, timeZone), 1 - everyDays), 0, timeZone);
}

/** The rep who sends: the active relation added or changed most recently (ties: smallest userId). */
export function followUpRep(follows: readonly FollowRelation[]): string | null {
  const active = follows.filter((f) => f.status === 'active');
  const when = (f: FollowRelation) => Math.max(f.addedAt, f.changedAt);
  active.sort((a, b) => when(b) - when(a) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return active[0]?.userId ?? null;
}

/**
 * Whether one contact is due a follow-up push at `now`, from whom and with which text, or
 * why not. Pure: the planning job and the send job (re-checking right before the call)
 * decide the same way.
 */
export function planFollowUp(input: FollowUpInput, policy: FollowUpPolicy, now: number, timeZone: string): FollowUpDecision {
  const rep = followUpRep(input.contact.follows);
  if (input.engagement.customerLeft || rep === null) return { status: 'skip', reason: 'customer_left' };
  const anchored = followUpAnchor({ tier: input.tier, engagement: input.engagement, hasActiveRelation: true });
  if (!anchored) return { status: 'skip', reason: 'no_tier' };
  const { everyDays, text } = policy.tiers[anchored.tier];
  if (everyDays === 0) return { status: 'skip', reason: 'cadence_off' };
  const dueAt = followUpDueAt(anchored.anchor, everyDays, timeZone);
  if (now < dueAt) return { status: 'skip', reason: 'not_yet', nextAt: nextSendAllowedAt(dueAt, policy, timeZone) };
  if (!isSendAllowed(now, policy, timeZone)) return { status: 'skip', reason: 'quiet_hours', nextAt: nextSendAllowedAt(now, policy, timeZone) };
  return { status: 'due', userId: rep, tier: anchored.tier, text };
}
