import type { Redis } from 'ioredis';
import type { StoredTier, TierChange } from '../../../domain/ports.ts';
import type { TierInputs } from '../../../domain/tiers/reevaluate-tier.ts';
import type { RedisKeys } from '../keys.ts';
import { decodeEntry, decodeHot, encodeEntry } from './codec.ts';
import { defineCommitCommand, queueCommit } from './commit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { historyOp, indexChanges, type Segment } from './indexes.ts';
import { pageIds } from './paging.ts';

/** Tier inputs plus the raw record they came from, which a write compares against. */
export interface VersionedTierInputs extends TierInputs {
  version: string;
}

export interface TierWrite {
  input: VersionedTierInputs;
  tier: StoredTier;
  change: TierChange | null;
}

/**
 * Batch access to contacts for tier jobs: one ZRANGEBYLEX + one MGET per batch, only the
 * hot half of each record parsed, and writes sent as one pipeline of compare-and-set
 * commits (a record that changed since it was read is reported, not overwritten).
 * Scans go D, C, B, A, then untiered: time moves contacts down and a first tier moves
 * them out of `_`, both into segments already scanned, so a recompute rarely meets the
 * same contact twice.
 */
export class RedisTierBatches {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private static readonly ORDER = ['D', 'C', 'B', 'A', '_'] as const satisfies readonly Segment[];

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    defineCommitCommand(redis);
  }

  /** The next `count` contacts of a full pass, and the cursor after them (null at the end). */
  async scan(cursor: string | null, count: number): Promise<{ items: VersionedTierInputs[]; nextCursor: string | null }> {
    const from = cursor === null ? null : decodeCursor(cursor);
    const page = await pageIds(this.redis, this.keys, { segments: RedisTierBatches.ORDER, from, limit: count });
    return { items: await this.read(page.ids), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /** The given contacts (unknown ones are left out). */
  async read(ids: string[]): Promise<VersionedTierInputs[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.contact(id)));
    const items: VersionedTierInputs[] = [];
    raws.forEach((raw, i) => {
      if (raw === null) return;
      const { engagement, tier, override } = decodeHot(raw);
      items.push({ externalUserId: ids[i]!, engagement, tier, override, version: raw });
    });
    return items;
  }

  /** Writes each tier if its record is still the version read; returns the ids that were not. */
  async saveIfUnchanged(writes: TierWrite[]): Promise<string[]> {
    if (writes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { input, tier, change } of writes) {
      const id = input.externalUserId;
      const before = decodeEntry(id, input.version);
      const after = { ...before, record: { ...before.record, tier } };
      const ops = indexChanges(this.keys, id, before.record, after.record);
      if (change) ops.push(historyOp(this.keys, change));
      queueCommit(pipeline, { key: this.keys.contact(id), expected: input.version, next: encodeEntry(after), ops });
    }
    const replies = (await pipeline.exec()) ?? [];
    const stale: string[] = [];
    replies.forEach(([err, reply], i) => {
      if (err) throw err;
      if (reply !== 'ok') stale.push(writes[i]!.input.externalUserId);
    });
    return stale;
  }
}
