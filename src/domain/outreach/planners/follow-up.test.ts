import { describe, expect, it } from 'vitest';
import { testPolicies } from '../../../../tests/helpers/tier-rules.ts';
import type { FollowRelation } from '../../contacts/contact.ts';
import { emptyEngagement } from '../../engagement/engagement.ts';
import type { StoredTier } from '../../ports.ts';
import type { Tier } from '../../tiers/policy.ts';
import { followUpAnchor } from '../../contacts/reach-anchor.ts';
import { followUpCutoff, followUpDueAt, followUpRep, planFollowUp, type FollowUpInput } from './follow-up.ts';
import { followRelation, storedTier } from '../../../../tests/helpers/factories.ts';

const { followUps: policy } = testPolicies;
const SH = 'Asia/Shanghai';
const HOUR = 3_600_000;
/** 2026-01-05 hh:mm in Shanghai. */
const sh = (day: number, hh: number, mm = 0) => Date.UTC(2026, 0, day, hh - 8, mm);

const relation = (userId: string, over: Partial<FollowRelation> = {}): FollowRelation => followRelation(userId, sh(1, 9), over);
const tier = (t: Tier, since: number): StoredTier => storedTier(t, since);

function contact(over: { follows?: FollowRelation[]; tier?: StoredTier | null; pushes?: number[]; customerLeft?: boolean } = {}): FollowUpInput {
  return {
    contact: { externalUserId: 'wm1', name: '王芳', type: 1, gender: 'female', follows: over.follows ?? [relation('zhangwei')], profile: {}, createdAt: sh(1, 9), updatedAt: sh(1, 9) },
    engagement: { ...emptyEngagement(), pushes: over.pushes ?? [], customerLeft: over.customerLeft ?? false },
    tier: over.tier === undefined ? tier('C', sh(1, 9)) : over.tier,
  };
}

describe('planFollowUp', () => {
  it('due: the tier’s text, from the rep, once its cadence has come round inside the send window', () => {
    // C every 7 days; in C since the 1st → due from the 8th, sent in that day's window (10:00-12:00).
    expect(planFollowUp(contact(), policy, sh(8, 10, 30), SH)).toEqual({ status: 'due', userId: 'zhangwei', tier: 'C', text: policy.tiers.C.text });
    expect(planFollowUp(contact({ tier: tier('B', sh(1, 9)), pushes: [sh(5, 11)] }), policy, sh(8, 10), SH))
      .toEqual({ status: 'due', userId: 'zhangwei', tier: 'B', text: policy.tiers.B.text });
  });

  it('customer_left: the customer removed the rep, or no relation is active, whatever the tier', () => {
    const left = contact({ follows: [relation('zhangwei', { status: 'removed_by_customer' })], customerLeft: true, tier: tier('D', sh(1, 9)) });
    expect(planFollowUp(left, policy, sh(20, 10), SH)).toEqual({ status: 'skip', reason: 'customer_left' });
    const removedByRep = contact({ follows: [relation('zhangwei', { status: 'removed_by_rep' }), relation('lina', { status: 'removed_by_customer' })] });
    expect(planFollowUp(removedByRep, policy, sh(20, 10), SH)).toEqual({ status: 'skip', reason: 'customer_left' });
    expect(planFollowUp(contact({ follows: [] }), policy, sh(20, 10), SH)).toEqual({ status: 'skip', reason: 'customer_left' });
  });

  it('no_tier: not tiered yet', () => {
    expect(planFollowUp(contact({ tier: null }), policy, sh(20, 10), SH)).toEqual({ status: 'skip', reason: 'no_tier' });
  });

  it('cadence_off: the tier’s everyDays is 0', () => {
    const off = { ...policy, tiers: { ...policy.tiers, C: { everyDays: 0, text: '' } } };
    expect(planFollowUp(contact(), off, sh(20, 10), SH)).toEqual({ status: 'skip', reason: 'cadence_off' });
  });

  it('not_yet: counts whole days from the last push, and says when (that day’s window)', () => {
    // Pushed on the 6th at 11:50 → C due on the 13th, from the window's opening.
    const pushed = contact({ pushes: [sh(3, 10), sh(6, 11, 50)] });
    expect(planFollowUp(pushed, policy, sh(12, 11), SH)).toEqual({ status: 'skip', reason: 'not_yet', nextAt: sh(13, 10) });
    expect(planFollowUp(pushed, policy, sh(13, 10), SH)).toMatchObject({ status: 'due' });
    // Never pushed: from when it entered its tier.
    expect(planFollowUp(contact({ tier: tier('D', sh(4, 15)) }), policy, sh(10, 10), SH))
      .toEqual({ status: 'skip', reason: 'not_yet', nextAt: Date.UTC(2026, 1, 3, 2) });
  });

  it('quiet_hours: due, but outside the window or in quiet hours (across midnight in Shanghai), with the next allowed time', () => {
    for (const now of [sh(8, 23), sh(9, 0, 30), sh(9, 8, 59), sh(9, 12)]) {
      const decision = planFollowUp(contact(), policy, now, SH);
      expect(decision, new Date(now).toISOString()).toEqual({ status: 'skip', reason: 'quiet_hours', nextAt: now < sh(9, 10) ? sh(9, 10) : sh(10, 10) });
    }
  });

  it('checks the reasons in order: customer_left, no_tier, cadence_off, not_yet, quiet_hours', () => {
    const off = { ...policy, tiers: { ...policy.tiers, C: { everyDays: 0, text: '' }, D: { everyDays: 0, text: '' } } };
    const left = contact({ customerLeft: true, follows: [relation('zhangwei', { status: 'removed_by_customer' })], tier: null });
    // 23:00 on the 2nd: in quiet hours, and a C contact since the 1st is not due yet either.
    const late = sh(2, 23);
    expect(planFollowUp(left, off, late, SH)).toEqual({ status: 'skip', reason: 'customer_left' });
    expect(planFollowUp(contact({ tier: null }), off, late, SH)).toEqual({ status: 'skip', reason: 'no_tier' });
    expect(planFollowUp(contact(), off, late, SH)).toEqual({ status: 'skip', reason: 'cadence_off' });
    expect(planFollowUp(contact(), policy, late, SH)).toEqual({ status: 'skip', reason: 'not_yet', nextAt: sh(8, 10) });
  });
});

describe('followUpRep', () => {
  it('picks the active relation added or changed most recently', () => {
    const follows = [
      relation('old', { addedAt: sh(1, 9), changedAt: sh(1, 9) }),
      relation('readded', { addedAt: sh(1, 8), changedAt: sh(4, 9) }),
      relation('newest', { addedAt: sh(5, 9), changedAt: sh(5, 9), status: 'removed_by_customer' }),
    ];
    expect(followUpRep(follows)).toBe('readded');
    expect(planFollowUp(contact({ follows }), policy, sh(8, 10), SH)).toMatchObject({ status: 'due', userId: 'readded' });
  });

  it('breaks ties by userId, and has no rep without an active relation', () => {
    expect(followUpRep([relation('lina'), relation('anna')])).toBe('anna');
    expect(followUpRep([relation('lina', { status: 'removed_by_rep' })])).toBeNull();
  });
});

describe('the due index bound agrees with the decision', () => {
  it('an anchor is due at `now` exactly when it lies before followUpCutoff', () => {
    for (const everyDays of [1, 3, 7, 30]) {
      for (let h = 0; h < 24 * 40; h += 7) {
        const anchor = sh(1, 0) + h * HOUR;
        const now = sh(20, 10, 30);
        expect(anchor < followUpCutoff(now, everyDays, SH), `${everyDays}d, anchor ${new Date(anchor).toISOString()}`)
          .toBe(now >= followUpDueAt(anchor, everyDays, SH));
      }
    }
  });

  it('the anchor is the last outbound contact, else the tier’s since; none when the customer cannot be pushed', () => {
    const engagement = { pushes: [sh(2, 10), sh(3, 10)], customerLeft: false };
    expect(followUpAnchor({ tier: tier('B', sh(1, 9)), engagement, hasActiveRelation: true })).toEqual({ tier: 'B', anchor: sh(3, 10) });
    expect(followUpAnchor({ tier: tier('B', sh(1, 9)), engagement: { pushes: [], customerLeft: false }, hasActiveRelation: true })).toEqual({ tier: 'B', anchor: sh(1, 9) });
    expect(followUpAnchor({ tier: tier('B', sh(1, 9)), engagement: { ...engagement, customerLeft: true }, hasActiveRelation: false })).toBeNull();
    expect(followUpAnchor({ tier: tier('B', sh(1, 9)), engagement, hasActiveRelation: false })).toBeNull();
    expect(followUpAnchor({ tier: null, engagement, hasActiveRelation: true })).toBeNull();
  });
});
