import type { Redis } from 'ioredis';
import type { Contact, FollowRelation, Interaction, Order, Profile } from '../../domain/contacts/contact.ts';
import { canonicalInteraction, canonicalOrder, keptOrder } from '../../domain/contacts/fact-identity.ts';
import { applyRelationFact, mergeListedFollows, type RelationFact } from '../../domain/contacts/follows.ts';
import { applyOptOutFact, type OptOutFact, type OptOutState } from '../../domain/contacts/opt-out-state.ts';
import type { ContactPage, ContactRecord, ContactStore, OptOut, StoredTier, TierChange, ValueSummary } from '../../domain/ports.ts';
import type { TierOverride } from '../../domain/tiers/assess-tier.ts';
import { TIERS, type Tier } from '../../domain/tiers/policy.ts';
import type { ValueResult } from '../../domain/value/value-score.ts';
import { AppError } from '../../shared/errors.ts';
import { decodeEntry, encodeEntry, fingerprint, type Entry } from './contact-store/codec.ts';
import { defineCommitCommand, runCommit, type Commit } from './contact-store/commit.ts';
import { decodeCursor, encodeCursor } from './contact-store/cursor.ts';
import { seenFact, withContact, withInteractionFact, withOrderFact, withProfile } from './contact-store/entries.ts';
import { birthdayIndexChanges } from './contact-store/birthday-index.ts';
import { nameIndexChanges } from './contact-store/name-index.ts';
import { paidOrderOp } from './paid-order-index.ts';
import { orderAggregateOps } from './contact-store/order-aggregates.ts';
import { decodeChange, historyOp, indexChanges, indexedState, moveOps, SEGMENTS, type IndexOp, type Segment } from './contact-store/indexes.ts';
import { pageIds } from './contact-store/paging.ts';
import type { RedisKeys } from './keys.ts';

export interface RedisContactStoreOptions {
  redis: Redis;
  keys: RedisKeys;
}

/** What one step of `mutate` decides: nothing to write, or the next entry. */
interface Plan<R> {
  result: R;
  next?: Entry;
  change?: TierChange | null;
  guard?: Commit['guard'];
  /** Writes besides the record's indexes, in the same commit. */
  ops?: IndexOp[];
  /** The result when the guard finds its member already there. */
  onDuplicate?: R;
}

const MAX_ATTEMPTS = 50;
/** Records per list() page at most (a planning pass reads thousands a page; the API asks for ≤ 200). */
const MAX_PAGE = 5000;
/** Records per MGET within a page: a few ms of Redis each, so other clients are not held up. */
const MGET_CHUNK = 500;

/**
 * The customer archive in Redis. One string per contact holds the whole record (compact
 * codec); sorted sets index it by tier, by rep and tier, and by next review time.
 * Every write reads the record, computes the next one with the pure domain functions and
 * commits it with a compare-and-set script that also moves the index entries (tier, rep,
 * tier due time, follow-up due time: contact-store/indexes.ts; birthday:
 * contact-store/birthday-index.ts; name grams: contact-store/name-index.ts; orders by payment time: paid-order-index.ts), retrying if
 * another writer got there first: atomic per contact, idempotent, and exactly the domain's
 * arithmetic. Key layout: keys.ts (`ct:*`, `ix:*`).
 *
 * Memory (npm run bench -- tiers, 1M synthetic contacts with 1-2 relations, avatars, a
 * small summary): ~1,500 B per contact in used_memory, of which the record ~590, the
 * history list ~250, the tier index ~135, the rep indexes ~170, the due index ~80, the
 * follow-up index (one entry per contact that can be pushed) ~135, order ids ~30 (buyers
 * only) and the keyspace tables the rest. Orders themselves are kept too (one hash field
 * of ~150 B per order), to answer a replayed order_id with the stored order, or a
 * conflict. Choices behind it:
 * - one string per contact, not a hash: its values would outgrow listpack's 64 bytes
 *   and turn it into a hashtable (~400 B more per contact);
 * - reasons are stored, not regenerated on read: they are ~70 B, the store knows no
 *   policy or time zone, and they must describe the stored tier, not `now`;
 * - times stay in ms (the domain's equality and order rules need them exact); a
 *   relation's change time is stored as its difference from the add time (mostly 0);
 * - interactions are not kept, only the summary; besides the orders, order totals (in
 *   fen) and order ids (exact idempotency for money); each id is kept once, as a short
 *   fingerprint with one of the interaction's kept fields (canonicalInteraction): the
 *   summary's ids of the inbound messages it keeps (it counts messages by id), and the
 *   last 16 others (entries.ts); they answer 'duplicate' or 'conflict' for recent
 *   replays; an older replay is folded again, which changes nothing.
 */
export class RedisContactStore implements ContactStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: RedisContactStoreOptions) {
    this.redis = redis;
    this.keys = keys;
    defineCommitCommand(redis);
  }

  async get(externalUserId: string): Promise<ContactRecord | null> {
    const raw = await this.redis.get(this.keys.contact(externalUserId));
    return raw === null ? null : decodeEntry(externalUserId, raw).record;
  }

  /** The given contacts' records, in one MGET (unknown ids are left out). */
  async getMany(externalUserIds: string[]): Promise<ContactRecord[]> {
    if (externalUserIds.length === 0) return [];
    const raws = await this.redis.mget(externalUserIds.map((id) => this.keys.contact(id)));
    return raws.flatMap((raw, i) => (raw === null ? [] : [decodeEntry(externalUserIds[i]!, raw).record]));
  }

  async upsertContact(contact: Contact): Promise<void> {
    await this.mutate(contact.externalUserId, (before) => ({ result: undefined, next: withContact(before, contact) }));
  }

  async mergeContact(contact: Contact): Promise<{ before: FollowRelation[]; contact: Contact }> {
    return this.mutate(contact.externalUserId, (before) => {
      const stored = before?.record.contact.follows ?? [];
      const next = withContact(before, { ...contact, follows: mergeListedFollows(stored, contact.follows) });
      return { result: { before: stored, contact: next.record.contact }, next };
    });
  }

  async applyRelationFacts(externalUserId: string, facts: readonly RelationFact[]): Promise<Contact | null> {
    return this.mutate(externalUserId, (before) => {
      if (!before) return { result: null };
      const follows = facts.reduce(applyRelationFact, before.record.contact.follows);
      const next = withContact(before, { ...before.record.contact, follows });
      return { result: next.record.contact, next };
    });
  }

  async patchProfile(externalUserId: string, profile: Partial<Profile>, at: number): Promise<boolean> {
    return this.mutate(externalUserId, (before) => (before ? { result: true, next: withProfile(before, profile, at) } : { result: false }));
  }

  async addOrder(order: Order): Promise<'added' | 'duplicate' | 'conflict' | 'unknown_contact'> {
    const kept = keptOrder(order);
    const replay = await this.orderReplay(kept);
    if (replay) return replay;
    const guard = { key: this.keys.contactOrders(order.externalUserId), member: order.orderId };
    // The order is kept in the same atomic step as the guard, so a duplicate always finds it.
    const ops: IndexOp[] = [{ op: 'H', key: this.keys.contactOrderDocs(order.externalUserId), field: order.orderId, value: JSON.stringify(kept) }];
    // And filed by payment time for the after-sale planner (paid-order-index.ts).
    if (kept.paidAt !== undefined) ops.push(paidOrderOp(this.keys, kept.externalUserId, kept.orderId, kept.paidAt));
    const result = await this.mutate(order.externalUserId, (before) => {
      if (!before) return { result: 'unknown_contact' as const };
      const next = withOrderFact(before, kept);
      // The business by product and region, and the buyer's total, move with the order (guarded: once per orderId).
      const totals = orderAggregateOps(this.keys, kept, before.record.contact.profile.region, next.record.orders.amount);
      return { result: 'added' as const, next, guard, ops: [...ops, ...totals], onDuplicate: 'duplicate' as const };
    });
    // Lost a race with the same orderId: compare with the order that won.
    return result === 'duplicate' ? ((await this.orderReplay(kept)) ?? 'duplicate') : result;
  }

  async getOrder(externalUserId: string, orderId: string): Promise<Order | null> {
    const raw = await this.redis.hget(this.keys.contactOrderDocs(externalUserId), orderId);
    return raw === null ? null : (JSON.parse(raw) as Order);
  }

  /** duplicate or conflict when this orderId is kept already; null when it is not. */
  private async orderReplay(order: Order): Promise<'duplicate' | 'conflict' | null> {
    const stored = await this.getOrder(order.externalUserId, order.orderId);
    if (!stored) return null;
    return canonicalOrder(stored) === canonicalOrder(order) ? 'duplicate' : 'conflict';
  }

  async addInteraction(interaction: Interaction, intentKeywords: readonly string[], optOut: OptOut | null = null): Promise<'added' | 'duplicate' | 'conflict' | 'unknown_contact'> {
    const fact = canonicalInteraction(interaction, intentKeywords, optOut?.keyword);
    return this.mutate(interaction.externalUserId, (before) => {
      if (!before) return { result: 'unknown_contact' as const };
      const seen = seenFact(before, interaction.id);
      // Remembered from before fields were kept (undefined): nothing to compare, a replay.
      if (seen !== null) return { result: seen === undefined || seen === fingerprint(fact) ? 'duplicate' as const : 'conflict' as const };
      return { result: 'added' as const, next: withInteractionFact(before, interaction, intentKeywords, optOut) };
    });
  }

  async applyOptOutFact(externalUserId: string, fact: OptOutFact): Promise<OptOutState | null> {
    return this.mutate(externalUserId, (before) => {
      if (!before) return { result: null };
      const record = applyOptOutFact(before.record, fact);
      const state = { optOut: record.optOut ?? null, optOutReversal: record.optOutReversal ?? null };
      return record === before.record ? { result: state } : { result: state, next: { ...before, record } };
    });
  }

  async setCustomerLeft(externalUserId: string, left: boolean): Promise<void> {
    await this.mutate(externalUserId, (before) => {
      if (!before || before.record.engagement.customerLeft === left) return { result: undefined };
      const engagement = { ...before.record.engagement, customerLeft: left };
      return { result: undefined, next: { ...before, record: { ...before.record, engagement } } };
    });
  }

  async setOverride(externalUserId: string, override: TierOverride | null): Promise<boolean> {
    return this.mutate(externalUserId, (before) =>
      before ? { result: true, next: { ...before, record: { ...before.record, override } } } : { result: false },
    );
  }

  async saveTier(externalUserId: string, tier: StoredTier, change: TierChange | null): Promise<void> {
    await this.mutate(externalUserId, (before) =>
      before ? { result: undefined, next: { ...before, record: { ...before.record, tier } }, change } : { result: undefined },
    );
  }

  async saveValues(values: ValueResult[]): Promise<void> {
    const CONCURRENCY = 256;
    for (let i = 0; i < values.length; i += CONCURRENCY) {
      await Promise.all(values.slice(i, i + CONCURRENCY).map(({ externalUserId, ...value }) =>
        this.mutate(externalUserId, (before) =>
          before ? { result: undefined, next: { ...before, record: { ...before.record, value } } } : { result: undefined },
        )));
    }
  }

  async valueSummary(): Promise<ValueSummary | null> {
    const raw = await this.redis.get(this.keys.valueSummary());
    return raw === null ? null : (JSON.parse(raw) as ValueSummary);
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.tierDue(), '-inf', now, 'LIMIT', 0, Math.max(0, limit));
  }

  async list(filter: { tier?: Tier; rep?: string; cursor?: string | null; limit: number }): Promise<ContactPage> {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit)), MAX_PAGE);
    const segments: readonly Segment[] = filter.tier ? [filter.tier] : SEGMENTS;
    const from = filter.cursor ? decodeCursor(filter.cursor) : null;
    const page = await pageIds(this.redis, this.keys, { segments, rep: filter.rep, from, limit });
    // A large page is read as MGETs of MGET_CHUNK sent together: Redis answers the first
    // while the others wait their turn, and each is decoded as it arrives.
    const chunks: Promise<ContactRecord[]>[] = [];
    for (let i = 0; i < page.ids.length; i += MGET_CHUNK) chunks.push(this.getMany(page.ids.slice(i, i + MGET_CHUNK)));
    const records = (await Promise.all(chunks)).flat();
    return { records, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  async history(externalUserId: string, limit: number): Promise<TierChange[]> {
    if (limit <= 0) return [];
    const raws = await this.redis.lrange(this.keys.contactHistory(externalUserId), 0, limit - 1);
    return raws.map((raw) => decodeChange(externalUserId, raw));
  }

  /**
   * Whether a member has at least one customer (an active relation), tiered or not: one
   * EXISTS over the member's five rep index keys (Redis deletes an empty sorted set).
   */
  async hasCustomers(userId: string): Promise<boolean> {
    const keys = SEGMENTS.map((segment) => this.keys.repTierIndex(userId, segment));
    return (await this.redis.exists(...keys)) > 0;
  }

  async tierCounts(rep?: string): Promise<Record<Tier, number>> {
    const pipeline = this.redis.pipeline();
    for (const tier of TIERS) pipeline.zcard(rep === undefined ? this.keys.tierIndex(tier) : this.keys.repTierIndex(rep, tier));
    const replies = (await pipeline.exec()) ?? [];
    const counts = { A: 0, B: 0, C: 0, D: 0 };
    TIERS.forEach((tier, i) => {
      const [err, n] = replies[i] ?? [null, 0];
      if (err) throw err;
      counts[tier] = Number(n);
    });
    return counts;
  }

  /**
   * Read, compute, compare-and-set, until the record did not change in between. `plan`
   * must be pure: it runs again on every retry.
   */
  protected async mutate<R>(externalUserId: string, plan: (before: Entry | null) => Plan<R>): Promise<R> {
    const key = this.keys.contact(externalUserId);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(key);
      const before = raw === null ? null : decodeEntry(externalUserId, raw);
      const step = plan(before);
      if (!step.next) return step.result;
      const next = encodeEntry(step.next);
      if (next === raw && !step.change && !step.guard) return step.result;
      const at = Date.now();
      const after = indexedState(step.next.record);
      const ops = indexChanges(this.keys, externalUserId, before ? indexedState(before.record) : null, after, at);
      ops.push(...birthdayIndexChanges(this.keys, externalUserId, before?.record.contact.profile.birthday, step.next.record.contact.profile.birthday));
      ops.push(...nameIndexChanges(this.keys, externalUserId, before?.record.contact, step.next.record.contact));
      if (step.change) ops.push(historyOp(this.keys, step.change), ...moveOps(this.keys, step.change, after.reps, at));
      if (step.ops) ops.push(...step.ops);
      const outcome = await runCommit(this.redis, { key, expected: raw, next, ops, ...(step.guard ? { guard: step.guard } : {}) });
      if (outcome === 'ok') return step.result;
      if (outcome === 'duplicate') return step.onDuplicate ?? step.result;
      if (attempt > 3) await new Promise((r) => setTimeout(r, Math.random() * attempt));
    }
    throw new AppError('contact_write_conflict', `contact ${externalUserId} kept changing during ${MAX_ATTEMPTS} write attempts`, { status: 503 });
  }
}
