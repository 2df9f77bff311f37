import type { Contact, FollowRelation, Interaction } from '../../src/domain/contacts/contact.ts';
import type { ContactRecord, StoredTier, TierChange } from '../../src/domain/ports.ts';
import { emptyEngagement } from '../../src/domain/engagement/engagement.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import type { CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import type { ExternalContactEvent } from '../../src/wecom/events.ts';

/**
 * Test data, built in one place: each factory gives the smallest valid value and takes
 * overrides, so a test states only what it is about. Times are ms since the epoch and are
 * always given: every test file has its own clock.
 */

/** An active relation between a rep and a customer, added and last changed at `at`. */
export function followRelation(userId: string, at: number, over: Partial<FollowRelation> = {}): FollowRelation {
  return { userId, addedAt: at, tagIds: [], status: 'active', changedAt: at, ...over };
}

/** A WeChat customer (named after their id unless `over` says otherwise), followed by `reps` since `at`. */
export function contactRecord(id: string, at: number, { reps = ['rep1'], ...over }: Partial<Contact> & { reps?: string[] } = {}): Contact {
  return {
    externalUserId: id, name: id, type: 1, gender: 'unknown', profile: {}, createdAt: at, updatedAt: at,
    follows: reps.map((rep) => followRelation(rep, at)),
    ...over,
  };
}

/** A message the customer wrote (text only when given). */
export function inboundMessage(id: string, externalUserId: string, at: number, text?: string): Interaction {
  return { id, externalUserId, direction: 'inbound', channel: 'message', at, ...(text === undefined ? {} : { text }) };
}

/** A tier decided by the rules, held since `since`. */
export function storedTier(tier: Tier, since: number, over: Partial<StoredTier> = {}): StoredTier {
  return { tier, source: 'rules', reasons: [], since, nextReviewAt: null, lifecycle: 'potential', ...over };
}

/**
 * A contact as the store returns it (ContactRecord): `contactRecord(id, at, over)` with an
 * empty summary, no orders, and `tier` (null: not tiered yet); `record` overrides the rest.
 */
export function storedRecord(id: string, at: number, tier: StoredTier | null, contact: Partial<Contact> & { reps?: string[] } = {}, record: Partial<ContactRecord> = {}): ContactRecord {
  return {
    contact: contactRecord(id, at, contact), engagement: { ...emptyEngagement(), addedAt: at }, tier, override: null, value: null,
    orders: { count: 0, amount: 0, profit: 0, paid: 0, daysLate: 0 },
    ...record,
  };
}

/** A tier change decided by the rules. */
export function tierChange(externalUserId: string, from: Tier | null, to: Tier, at: number, over: Partial<TierChange> = {}): TierChange {
  return { externalUserId, from, to, at, source: 'rules', reasons: [], ...over };
}

/** A change_external_contact callback event, as parsed (CreateTime 0 unless given). */
export function contactEvent(changeType: string, userId: string, externalUserId: string, extra: Partial<ExternalContactEvent> = {}): ExternalContactEvent {
  return { kind: 'external_contact', toUserName: 'ww-test-corp', fromUserName: 'sys', createTime: 0, changeType, userId, externalUserId, ...extra };
}

/** A callback job as the intake queues (or spools) it. */
export function callbackJob(dedupeKey: string, event: CallbackJobData['event'], receivedAt: number): CallbackJobData {
  return { dedupeKey, receivedAt, event };
}
