import { createHash } from 'node:crypto';
import type { Contact, FollowRelation, Gender, Profile } from '../../../domain/contacts/contact.ts';
import type { Engagement } from '../../../domain/engagement/engagement.ts';
import type { ContactRecord, OptOut, OptOutReversal, OrderTotals, StoredTier } from '../../../domain/ports.ts';
import type { TierOverride } from '../../../domain/tiers/assess-tier.ts';
import type { Lifecycle } from '../../../domain/tiers/lifecycle.ts';
import type { Tier } from '../../../domain/tiers/policy.ts';
import type { Quadrant, ValueGrade } from '../../../domain/value/value-score.ts';

/**
 * One contact as stored: the record plus what only the store needs. Order totals are
 * kept in fen (integers), so sums do not depend on the order orders arrive in.
 */
export interface Entry {
  record: ContactRecord;
  /**
   * Fingerprints of the kept fields (canonicalInteraction) of the inbound messages the
   * summary keeps, aligned with `record.engagement.inboundIds` (FINGERPRINT_LENGTH chars
   * each; UNKNOWN_FACT for a message kept before fields were): with those ids, the replay
   * guard for those messages, so their ids are not stored twice.
   */
  inboundFacts: string;
  /**
   * Fingerprints of the ids of the most recent interactions the summary does not keep the
   * id of: outbound ones, and inbound messages that fell off its list (records written
   * before inboundFacts hold every recent interaction here).
   */
  seen: string;
  /** Fingerprints of those interactions' kept fields, aligned with the end of `seen`. */
  seenFacts: string;
  totals: { count: number; amountFen: number; profitFen: number; paid: number; daysLate: number };
}

/**
 * 2: inbound ids and their facts as strings of fingerprints; 1 (read only): ids as an array,
 * or none. An opt-out is an optional last element of format 2's hot half (encodeOptOut): a
 * record without one is byte for byte what it was before opt-outs existed.
 */
const FORMAT = 2;
export const FINGERPRINT_LENGTH = 8;
/** Where an interaction's kept fields are not known (remembered before fields were kept). */
export const UNKNOWN_FACT = '.'.repeat(FINGERPRINT_LENGTH);

/**
 * The parts of a record that tier decisions and the indexes read: the "hot" half.
 * `reps` (the userIds of the active relations, sorted) repeats what the cold half's
 * follows say, so a tier write can move the per-rep index entries without the cold half.
 */
export interface HotPart {
  engagement: Engagement;
  /** Entry.inboundFacts: beside the ids it is aligned with. */
  inboundFacts: string;
  tier: StoredTier | null;
  override: TierOverride | null;
  reps: string[];
  /** The latest opt-out word (opt-out-state.ts); absent when there never was one. */
  optOut?: OptOut | null;
  optOutReversal?: OptOutReversal | null;
}

/** Reps with an active relation, sorted: who sees the contact in "my customers". */
export function activeReps(contact: Contact): string[] {
  return [...new Set(contact.follows.filter((f) => f.status === 'active').map((f) => f.userId))].sort();
}

/**
 * Encodes an entry as `<hot JSON>\n<cold JSON>`: positional arrays with one-letter codes.
 * Tier jobs read and rewrite only the hot half (engagement, tier, override, reps); JSON
 * never holds a raw newline, so the first `\n` splits the halves.
 */
export function encodeEntry(entry: Entry): string {
  const { record: r, seen, totals: t } = entry;
  const c = r.contact;
  const cold = [
    c.name, c.type, GENDERS.indexOf(c.gender), c.corpName ?? null, c.avatar ?? null,
    c.follows.map(encodeFollow), c.profile, c.createdAt, c.updatedAt,
    t.count === 0 ? 0 : [t.count, t.amountFen, t.profitFen, t.paid, t.daysLate],
    encodeValue(r.value),
    // Left out when empty, as most are (decodeEntry reads them as '').
    ...(seen === '' && entry.seenFacts === '' ? [] : [seen, entry.seenFacts]),
  ];
  return `${encodeHot({ ...r, inboundFacts: entry.inboundFacts, reps: activeReps(c) })}\n${JSON.stringify(cold)}`;
}

export function encodeHot(h: HotPart): string {
  const e = h.engagement;
  const o = h.override;
  const ids = e.inboundIds.join('');
  if (e.inboundIds.length !== e.inbound.length || e.inboundIds.some((id) => id.length !== FINGERPRINT_LENGTH) || h.inboundFacts.length !== ids.length) {
    throw new Error('contact record: inbound ids and facts must be one fingerprint per kept message');
  }
  const summary = [e.addedAt, e.inbound, e.pushes, e.intents.flatMap((i) => [i.at, i.keyword]), e.paidOrders, e.customerLeft ? 1 : 0];
  const optOut = encodeOptOut(h);
  return JSON.stringify([
    FORMAT,
    e.inbound.length === 0 ? summary : [...summary, ids, h.inboundFacts],
    h.tier ? encodeTier(h.tier) : 0,
    o ? [o.tier, o.by, o.reason, o.at, o.until ?? null] : 0,
    h.reps,
    // Left out when there never was one, as for nearly everyone: no byte more per contact.
    ...(optOut ? [optOut] : []),
  ]);
}

/**
 * The opt-out word in the hot half (beside the tier: a tier job's hot-half write carries it
 * and a change to it makes that write retry, and the value job's tail reader never meets
 * it): `[1, at, keyword, source]` opted out, `[0, at, by]` reversed.
 */
function encodeOptOut(h: Pick<HotPart, 'optOut' | 'optOutReversal'>): OptOutJson | null {
  if (h.optOut) return [1, h.optOut.at, h.optOut.keyword, h.optOut.source];
  if (h.optOutReversal) return [0, h.optOutReversal.at, h.optOutReversal.by];
  return null;
}

function decodeOptOut(j: OptOutJson | undefined): Pick<HotPart, 'optOut' | 'optOutReversal'> {
  if (!j) return {};
  return j[0] === 1 ? { optOut: { at: j[1], keyword: j[2], source: j[3] } } : { optOutReversal: { at: j[1], by: j[2] } };
}

/** The hot half of a raw record. */
export function hotOf(raw: string): string {
  const end = raw.indexOf('\n');
  return end < 0 ? raw : raw.slice(0, end);
}

function splitFingerprints(joined: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < joined.length; i += FINGERPRINT_LENGTH) out.push(joined.slice(i, i + FINGERPRINT_LENGTH));
  return out;
}

/**
 * Format 1's ids: fingerprints as stored, or, in records written before messages were
 * counted by id, none: their times were distinct then, so a time stands in for the id
 * (stored as `t<ms>` where format 1 wrote such a record back).
 */
function legacyInboundIds(inbound: number[], stored: string[] | undefined): string[] {
  if (!stored) return inbound.map(standInId);
  return stored.map((id) => (id.length === FINGERPRINT_LENGTH ? id : standInId(Number(id.slice(1)))));
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A fixed-length id for a message known by its time only: `~` and the ms in base64url
 * digits (exact until 2109). `~` is not base64url, so it never equals a fingerprint; no
 * hashing, because tier jobs decode old records on every pass.
 */
export function standInId(ms: number): string {
  let digits = '';
  for (let n = ms, i = 1; i < FINGERPRINT_LENGTH; i++, n = Math.floor(n / 64)) digits = BASE64URL[n % 64]! + digits;
  return `~${digits}`;
}

/** Decodes the hot half (given alone, or as part of a whole raw record). */
export function decodeHot(raw: string): HotPart {
  const hot = JSON.parse(hotOf(raw)) as HotJson;
  if (hot[0] !== FORMAT && hot[0] !== 1) throw new Error(`unknown contact record format ${String(hot[0])}`);
  const [addedAt, inbound, pushes, intentsFlat, paidOrders, left, storedIds, storedFacts] = hot[1];
  const inboundIds = typeof storedIds === 'string' ? splitFingerprints(storedIds) : legacyInboundIds(inbound, storedIds);
  const intents: Engagement['intents'] = [];
  for (let i = 0; i < intentsFlat.length; i += 2) intents.push({ at: intentsFlat[i] as number, keyword: intentsFlat[i + 1] as string });
  const o = hot[3];
  return {
    engagement: { addedAt, inbound, inboundIds, pushes, intents, paidOrders, customerLeft: left === 1 },
    inboundFacts: storedFacts ?? UNKNOWN_FACT.repeat(inbound.length),
    tier: hot[2] === 0 ? null : decodeTier(hot[2]),
    override: o === 0 ? null : { tier: o[0], by: o[1], reason: o[2], at: o[3], ...(o[4] === null ? {} : { until: o[4] }) },
    reps: hot[4],
    ...decodeOptOut(hot[5]),
  };
}

export function decodeEntry(externalUserId: string, raw: string): Entry {
  const hot = decodeHot(raw);
  const cold = JSON.parse(raw.slice(raw.indexOf('\n') + 1)) as ColdJson;
  const [name, type, gender, corpName, avatar, follows, profile, createdAt, updatedAt, t, v, seen = '', seenFacts = ''] = cold;
  const contact: Contact = {
    externalUserId, name, type, gender: GENDERS[gender] ?? 'unknown',
    ...(corpName === null ? {} : { corpName }),
    ...(avatar === null ? {} : { avatar }),
    follows: follows.map(decodeFollow), profile, createdAt, updatedAt,
  };
  const totals = t === 0 ? { count: 0, amountFen: 0, profitFen: 0, paid: 0, daysLate: 0 }
    : { count: t[0], amountFen: t[1], profitFen: t[2], paid: t[3], daysLate: t[4] };
  const value = decodeValue(v);
  return {
    record: {
      contact, engagement: hot.engagement, orders: orderTotals(totals), tier: hot.tier, override: hot.override, value,
      ...(hot.optOut ? { optOut: hot.optOut } : {}),
      ...(hot.optOutReversal ? { optOutReversal: hot.optOutReversal } : {}),
    },
    inboundFacts: hot.inboundFacts,
    seen,
    seenFacts,
    totals,
  };
}

/** A stored value as its element of the cold half: `[score, g, q | 0]`, or 0 for none. */
export function encodeValue(value: ContactRecord['value']): ValueJson {
  return value ? [value.score, value.grade[0]!, value.quadrant ? QUADRANT_CODES[value.quadrant] : 0] : 0;
}

export function decodeValue(v: ValueJson): ContactRecord['value'] {
  return v === 0 ? null : { score: v[0], grade: GRADES[v[1]] ?? 'low', quadrant: v[2] === 0 ? null : QUADRANTS[v[2]] ?? null };
}

export function orderTotals(t: Entry['totals']): OrderTotals {
  return { count: t.count, amount: t.amountFen / 100, profit: t.profitFen / 100, paid: t.paid, daysLate: t.daysLate };
}

/** A short, fixed-length fingerprint of an interaction id (48 bits; per-contact lists only). */
export function fingerprint(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, FINGERPRINT_LENGTH);
}

export function encodeTier(t: StoredTier): TierJson {
  return [t.tier, t.source === 'override' ? 'o' : 'r', t.since, t.nextReviewAt, t.lifecycle[0] as string, t.reasons];
}

export function decodeTier(t: TierJson): StoredTier {
  return {
    tier: t[0], source: t[1] === 'o' ? 'override' : 'rules', reasons: t[5], since: t[2],
    nextReviewAt: t[3], lifecycle: LIFECYCLES[t[4]] ?? 'potential',
  };
}

/**
 * `[userId, addedAt, status, tagIds, changedAt - addedAt, remark?, addWay?, state?]`: a
 * relation WeCom lists is changed when added (toFollowRelation) until its status changes,
 * so the difference is mostly 0, two bytes instead of a 13-digit time, and exact.
 */
function encodeFollow(f: FollowRelation): unknown[] {
  const out: unknown[] = [f.userId, f.addedAt, STATUSES.indexOf(f.status), f.tagIds, f.changedAt - f.addedAt, f.remark ?? null, f.addWay ?? null, f.state ?? null];
  while (out.at(-1) === null) out.pop();
  return out;
}

/** Also reads the layout before `changedAt - addedAt`: `[userId, addedAt, status, changedAt, tagIds, …]`. */
function decodeFollow(a: FollowJson): FollowRelation {
  const [userId, addedAt, status, fourth, fifth, remark, addWay, state] = a;
  const [tagIds, changedAt] = Array.isArray(fourth) ? [fourth, addedAt + (fifth as number)] : [fifth as string[], fourth];
  return {
    userId, addedAt, status: STATUSES[status] ?? 'active', changedAt, tagIds,
    ...(remark === undefined || remark === null ? {} : { remark }),
    ...(addWay === undefined || addWay === null ? {} : { addWay }),
    ...(state === undefined || state === null ? {} : { state }),
  };
}

const GENDERS: readonly Gender[] = ['unknown', 'male', 'female'];
const STATUSES: readonly FollowRelation['status'][] = ['active', 'removed_by_rep', 'removed_by_customer'];
const LIFECYCLES: Record<string, Lifecycle> = { p: 'potential', n: 'new', l: 'loyal', c: 'churned' };
const GRADES: Record<string, ValueGrade> = { h: 'high', m: 'mid', l: 'low' };
const QUADRANT_CODES: Record<Quadrant, string> = { star: 's', flow: 'f', stream: 'r', burden: 'b' };
const QUADRANTS: Record<string, Quadrant> = { s: 'star', f: 'flow', r: 'stream', b: 'burden' };

export type TierJson = [Tier, 'r' | 'o', number, number | null, string, string[]];
type HotJson = [
  number,
  // Format 2: joined id fingerprints and their facts (both left out with no inbound); format 1: ids or nothing.
  [number | null, number[], number[], (number | string)[], number[], 0 | 1, (string | string[])?, string?],
  TierJson | 0,
  [Tier, string, string, number, number | null] | 0,
  string[],
  OptOutJson?,
];
type OptOutJson = [1, number, string, string] | [0, number, string];
type FollowJson = [string, number, number, string[] | number, number | string[], (string | null)?, (number | null)?, (string | null)?];
type ColdJson = [
  string, 1 | 2, number, string | null, string | null, FollowJson[], Profile, number, number,
  [number, number, number, number, number] | 0,
  ValueJson,
  string?,
  string?,
];
export type ValueJson = [number, string, string | 0] | 0;
