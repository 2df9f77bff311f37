import type { Engagement } from '../../../domain/engagement/engagement.ts';
import { followUpAnchor } from '../../../domain/contacts/reach-anchor.ts';
import type { ContactRecord, StoredTier, TierChange } from '../../../domain/ports.ts';
import type { Tier } from '../../../domain/tiers/policy.ts';
import { activeReps } from './codec.ts';
import type { RedisKeys } from '../keys.ts';

/** Index segment of a contact: its tier, or `_` before its first tier. */
export type Segment = 'A' | 'B' | 'C' | 'D' | '_';
export const SEGMENTS: readonly Segment[] = ['A', 'B', 'C', 'D', '_'];

/** History entries kept per contact. */
export const HISTORY_CAP = 50;

/** One index (or kept fact) write, applied by the commit script in the same atomic step as the record. */
export type IndexOp =
  | { op: 'Z+'; key: string; score: number; member: string }
  | { op: 'Z-'; key: string; member: string }
  | { op: 'L'; key: string; value: string; cap: number }
  | { op: 'H'; key: string; field: string; value: string };

/** What the indexes are a function of: the tier, the reps with an active relation, the follow-up anchor. */
export interface IndexedState {
  tier: StoredTier | null;
  reps: readonly string[];
  /** The contact's entry in its tier's follow-up due index (followUpAnchor); null: in none. */
  followUp: { tier: Tier; anchor: number } | null;
}

export function indexedState(record: ContactRecord): IndexedState {
  return hotIndexedState({ tier: record.tier, reps: activeReps(record.contact), engagement: record.engagement });
}

/** The same from a record's hot half (tier jobs read only that). */
export function hotIndexedState(hot: { tier: StoredTier | null; reps: readonly string[]; engagement: Engagement }): IndexedState {
  const followUp = followUpAnchor({ tier: hot.tier, engagement: hot.engagement, hasActiveRelation: hot.reps.length > 0 });
  return { tier: hot.tier, reps: hot.reps, followUp };
}

export function segmentOf(state: IndexedState): Segment {
  return state.tier?.tier ?? '_';
}

/**
 * The index writes that take the indexes from `before` (null: a new contact) to `after`.
 * Indexes are a function of the record alone, and the commit applies these only if the
 * record is still the one `before` came from, so they never drift from the records.
 */
export function indexChanges(keys: RedisKeys, id: string, before: IndexedState | null, after: IndexedState): IndexOp[] {
  const ops: IndexOp[] = [];
  const from = before === null ? null : segmentOf(before);
  const to = segmentOf(after);
  if (from !== to) {
    if (from !== null) ops.push({ op: 'Z-', key: keys.tierIndex(from), member: id });
    ops.push({ op: 'Z+', key: keys.tierIndex(to), score: 0, member: id });
  }
  const repsBefore = before?.reps ?? [];
  for (const rep of repsBefore) {
    if (!after.reps.includes(rep) || from !== to) ops.push({ op: 'Z-', key: keys.repTierIndex(rep, from ?? '_'), member: id });
  }
  for (const rep of after.reps) {
    if (!repsBefore.includes(rep) || from !== to) ops.push({ op: 'Z+', key: keys.repTierIndex(rep, to), score: 0, member: id });
  }
  const dueBefore = before?.tier?.nextReviewAt ?? null;
  const dueAfter = after.tier?.nextReviewAt ?? null;
  if (dueAfter === null && dueBefore !== null) ops.push({ op: 'Z-', key: keys.tierDue(), member: id });
  if (dueAfter !== null && dueAfter !== dueBefore) ops.push({ op: 'Z+', key: keys.tierDue(), score: dueAfter, member: id });
  const fuBefore = before?.followUp ?? null;
  const fuAfter = after.followUp;
  if (fuBefore && fuBefore.tier !== fuAfter?.tier) ops.push({ op: 'Z-', key: keys.followUpDue(fuBefore.tier), member: id });
  if (fuAfter && (fuAfter.tier !== fuBefore?.tier || fuAfter.anchor !== fuBefore.anchor)) {
    ops.push({ op: 'Z+', key: keys.followUpDue(fuAfter.tier), score: fuAfter.anchor, member: id });
  }
  return ops;
}

/** A history entry as stored: `[from, to, at, source, reasons]` (the id is the key's). */
export function encodeChange(change: TierChange): string {
  return JSON.stringify([change.from, change.to, change.at, change.source === 'override' ? 'o' : 'r', change.reasons]);
}

export function decodeChange(externalUserId: string, raw: string): TierChange {
  const [from, to, at, source, reasons] = JSON.parse(raw) as [TierChange['from'], TierChange['to'], number, string, string[]];
  return { externalUserId, from, to, at, source: source === 'o' ? 'override' : 'rules', reasons };
}

export function historyOp(keys: RedisKeys, change: TierChange): IndexOp {
  return { op: 'L', key: keys.contactHistory(change.externalUserId), value: encodeChange(change), cap: HISTORY_CAP };
}
