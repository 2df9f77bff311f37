import type { FollowRelation } from '../../contacts/contact.ts';
import { followUpAnchor } from '../../contacts/reach-anchor.ts';
import type { ContactReads, ContactRecord } from '../../ports.ts';
import { TIERS, type Tier } from '../../tiers/policy.ts';
import { addDays, instantOf, localDateOf } from '../../followups/local-time.ts';
import type { FollowUpPolicy } from '../../followups/policy.ts';
import { isSendAllowed, nextSendAllowedAt } from '../../followups/send-window.ts';
import type { OutreachItem, OutreachPlanner, OutreachPlanPage, OutreachSkipReason } from '../outreach.ts';
import type { FollowUpIndex, LegacyFollowUpClaims } from '../ports.ts';
import { isoDate } from '../receive-rule.ts';

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

/**
 * A follow-up's occasion: its due day. A customer gets one follow-up per due day, ever;
 * once the push is recorded the anchor moves and the next due day is a new occasion, and
 * every customer due the same day shares the key (one ledger hash per day, not per customer).
 */
export function followUpOccasionKey(anchor: number, everyDays: number, timeZone: string): string {
  return `followup:${isoDate(localDateOf(followUpDueAt(anchor, everyDays, timeZone), timeZone))}`;
}

export const FOLLOW_UP_LABEL = '跟进';

export interface FollowUpPlannerDeps {
  index: FollowUpIndex;
  store: Pick<ContactReads, 'get'>;
  /** Contacts still held by a task of the old followups queue (left out until settled). */
  legacy?: LegacyFollowUpClaims;
  policy: FollowUpPolicy;
  timeZone: string;
}

const DECISION_SKIPS: Record<FollowUpSkipReason, OutreachSkipReason> = {
  customer_left: 'customer_left', no_tier: 'no_tier', cadence_off: 'disabled', not_yet: 'not_yet', quiet_hours: 'not_yet',
};

/**
 * Tiered follow-ups as an outreach planner: the contacts the due index says are past their
 * tier's cadence (never the whole archive), tier by tier, each decided by planFollowUp and
 * only inside the send window. Cursor: `<tier index>:<offset>` in the due index.
 */
export class FollowUpPlanner implements OutreachPlanner {
  readonly kind = 'followup' as const;
  private readonly deps: FollowUpPlannerDeps;

  constructor(deps: FollowUpPlannerDeps) {
    this.deps = deps;
  }

  async page(now: number, cursor: string | null, limit: number): Promise<OutreachPlanPage> {
    const { policy, timeZone } = this.deps;
    const records = new Map<string, ContactRecord>();
    const none = { items: [], skipped: {}, nextCursor: null, records };
    if (!isSendAllowed(now, policy, timeZone)) return none;
    let [t, offset] = cursor ? cursor.split(':').map(Number) as [number, number] : [0, 0];
    while (t < TIERS.length && policy.tiers[TIERS[t]!].everyDays === 0) [t, offset] = [t + 1, 0];
    const tier = TIERS[t];
    if (tier === undefined) return none;
    const ids = await this.deps.index.candidates(tier, followUpCutoff(now, policy.tiers[tier].everyDays, timeZone), offset, limit);
    const nextCursor = ids.length === limit ? `${t}:${offset + ids.length}` : t + 1 < TIERS.length ? `${t + 1}:0` : null;
    const held = this.deps.legacy ? await this.deps.legacy.held(ids) : new Set<string>();
    const items: OutreachItem[] = [];
    const skipped: OutreachPlanPage['skipped'] = {};
    const opening = instantOf(localDateOf(now, timeZone), policy.sendWindow.from, timeZone);
    for (const record of await Promise.all(ids.map((id) => this.deps.store.get(id)))) {
      if (!record) continue;
      const id = record.contact.externalUserId;
      const decision = planFollowUp(record, policy, now, timeZone);
      const reason = held.has(id) ? 'already_sent' : decision.status === 'skip' ? DECISION_SKIPS[decision.reason] : null;
      if (reason !== null || decision.status !== 'due') {
        if (reason) skipped[reason] = (skipped[reason] ?? 0) + 1;
        continue;
      }
      const anchor = followUpAnchor({ tier: record.tier, engagement: record.engagement, hasActiveRelation: true })!.anchor;
      records.set(id, record);
      items.push({
        kind: 'followup', externalUserId: id, rep: decision.userId, tier: decision.tier, text: decision.text, label: FOLLOW_UP_LABEL,
        occasionKey: followUpOccasionKey(anchor, policy.tiers[decision.tier].everyDays, timeZone),
        notBefore: opening <= now ? opening : now,
      });
    }
    return { items, skipped, nextCursor, records };
  }

  dueOn(record: ContactRecord, now: number): boolean {
    const { policy, timeZone } = this.deps;
    const anchored = followUpAnchor({ tier: record.tier, engagement: record.engagement, hasActiveRelation: followUpRep(record.contact.follows) !== null });
    const everyDays = anchored ? policy.tiers[anchored.tier].everyDays : 0;
    if (!anchored || everyDays === 0) return false;
    return followUpDueAt(anchored.anchor, everyDays, timeZone) < instantOf(addDays(localDateOf(now, timeZone), 1), 0, timeZone);
  }

  stillDue(record: ContactRecord, item: OutreachItem, now: number): boolean {
    const { policy, timeZone } = this.deps;
    const rep = followUpRep(record.contact.follows);
    const anchored = followUpAnchor({ tier: record.tier, engagement: record.engagement, hasActiveRelation: rep !== null });
    if (!anchored || rep !== item.rep || anchored.tier !== item.tier) return false;
    const everyDays = policy.tiers[anchored.tier].everyDays;
    return everyDays > 0 && followUpOccasionKey(anchored.anchor, everyDays, timeZone) === item.occasionKey
      && followUpDueAt(anchored.anchor, everyDays, timeZone) <= now;
  }
}
