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
  | { op: 'ZC+'; key: string; score: number; member: string; count: IndexCount }
  | { op: 'ZC-'; key: string; member: string; count: IndexCount }
  | { op: 'I'; key: string; field: string; by: number; ttlSeconds: number }
  | { op: 'L'; key: string; value: string; cap: number }
  | { op: 'H'; key: string; field: string; value: string };

/**
 * The count kept beside a tier index (tier-aggregates.ts): changed only when the ZADD or
 * ZREM really added or removed the member, so it equals the index's ZCARD whatever order
 * or how often commits run; the same ±1 goes to the hour's delta hash.
 */
export interface IndexCount {
  key: string;
  field: string;
  deltaKey: string;
  deltaTtlSeconds: number;
}

/** How long hourly deltas and moves are kept: a week is read, a few more days spare. */
export const AGGREGATE_TTL_SECONDS = 10 * 24 * 3600;

/** The hour bucket (hours since the epoch) of a time: a local day in any whole-hour zone is 24 of them. */
export function hourOf(at: number): number {
  return Math.floor(at / 3_600_000);
}

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
export function indexChanges(keys: RedisKeys, id: string, before: IndexedState | null, after: IndexedState, at: number = Date.now()): IndexOp[] {
  const ops: IndexOp[] = [];
  const from = before === null ? null : segmentOf(before);
  const to = segmentOf(after);
  const count = (field: string): IndexCount => ({ key: keys.tierCounts(), field, deltaKey: keys.tierDeltas(hourOf(at)), deltaTtlSeconds: AGGREGATE_TTL_SECONDS });
  if (from !== to) {
    if (from !== null) ops.push({ op: 'ZC-', key: keys.tierIndex(from), member: id, count: count(from) });
    ops.push({ op: 'ZC+', key: keys.tierIndex(to), score: 0, member: id, count: count(to) });
  }
  const repsBefore = before?.reps ?? [];
  for (const rep of repsBefore) {
    const seg = from ?? '_';
    if (!after.reps.includes(rep) || from !== to) ops.push({ op: 'ZC-', key: keys.repTierIndex(rep, seg), member: id, count: count(repField(rep, seg)) });
  }
  for (const rep of after.reps) {
    if (!repsBefore.includes(rep) || from !== to) ops.push({ op: 'ZC+', key: keys.repTierIndex(rep, to), score: 0, member: id, count: count(repField(rep, to)) });
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

/** A rep's field in the count and delta hashes: `<userid>|<segment>` (WeCom userids have no `|`). */
export function repField(rep: string, segment: string): string {
  return `${rep}|${segment}`;
}

/**
 * The move a tier change adds to its hour's moves hash: `<from>><to>` for the corp and the
 * same after `<rep>|` for each rep with an active relation. Part of the change's commit, so
 * a change counts once however often the job that made it runs.
 */
export function moveOps(keys: RedisKeys, change: TierChange, reps: readonly string[], at: number = Date.now()): IndexOp[] {
  const key = keys.tierMoves(hourOf(at));
  const move = `${change.from ?? '_'}>${change.to}`;
  return [move, ...reps.map((rep) => `${rep}|${move}`)].map((field) => ({ op: 'I', key, field, by: 1, ttlSeconds: AGGREGATE_TTL_SECONDS }));
}

export function historyOp(keys: RedisKeys, change: TierChange): IndexOp {
  return { op: 'L', key: keys.contactHistory(change.externalUserId), value: encodeChange(change), cap: HISTORY_CAP };
}
