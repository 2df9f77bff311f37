import type { Redis, Result } from 'ioredis';
import type { StoredTier, TierChange } from '../../../domain/ports.ts';
import type { TierInputs } from '../../../domain/tiers/reevaluate-tier.ts';
import type { RedisKeys } from '../keys.ts';
import { SCAN_HOT_RECORDS_LUA } from '../scripts/scan-hot-records.ts';
import { decodeHot, encodeHot, hotOf } from './codec.ts';
import { defineCommitCommand, runCommits, type Commit } from './commit.ts';
import { decodeCursor, encodeCursor, type ListPosition } from './cursor.ts';
import { historyOp, indexChanges, type Segment } from './indexes.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiScanHotRecords(index: string, min: string, count: number, recordPrefix: string): Result<(string | number)[], Context>;
  }
}

/** Tier inputs plus the hot half they came from, which a write compares against. */
export interface VersionedTierInputs extends TierInputs {
  reps: string[];
  version: string;
}

export interface TierWrite {
  input: VersionedTierInputs;
  tier: StoredTier;
  change: TierChange | null;
}

/**
 * Batch access to contacts for tier jobs. Reads and writes touch only the hot half of a
 * record (engagement, tier, override, reps): one script call returns a batch of ids with
 * their hot halves, and writes go as one pipeline of hot-half compare-and-set commits (a
 * record whose hot half changed since it was read is reported, not overwritten).
 * Scans go D, C, B, A, then untiered: time moves contacts down and a first tier moves
 * them out of `_`, both into segments already scanned, so a recompute rarely meets the
 * same contact twice.
 */
export class RedisTierBatches {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly recordPrefix: string;
  private static readonly ORDER: readonly Segment[] = ['D', 'C', 'B', 'A', '_'];

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    this.recordPrefix = keys.contact('');
    defineCommitCommand(redis);
    if (typeof (redis as Partial<Redis>).fenjiScanHotRecords !== 'function') {
      redis.defineCommand('fenjiScanHotRecords', { lua: SCAN_HOT_RECORDS_LUA, numberOfKeys: 1 });
    }
  }

  /** The next `count` contacts of a full pass, and the cursor after them (null at the end). */
  async scan(cursor: string | null, count: number): Promise<{ items: VersionedTierInputs[]; nextCursor: string | null }> {
    const order = RedisTierBatches.ORDER;
    let position: ListPosition | null = cursor === null ? null : decodeCursor(cursor);
    let index = position ? order.indexOf(position.segment) : 0;
    const items: VersionedTierInputs[] = [];
    while (index >= 0 && index < order.length) {
      const segment = order[index]!;
      const want = count - items.length;
      const min = position?.segment === segment ? `(${position.after}` : '-';
      const reply = await this.redis.fenjiScanHotRecords(this.keys.tierIndex(segment), min, want, this.recordPrefix);
      const read = Number(reply[0]);
      for (let i = 2; i < reply.length; i += 2) items.push(this.inputs(String(reply[i]), String(reply[i + 1])));
      if (read === want) return { items, nextCursor: encodeCursor({ segment, after: String(reply[1]) }) };
      index++;
      position = null;
    }
    return { items, nextCursor: null };
  }

  /** The given contacts (unknown ones are left out). */
  async read(ids: string[]): Promise<VersionedTierInputs[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.contact(id)));
    const items: VersionedTierInputs[] = [];
    raws.forEach((raw, i) => {
      if (raw !== null) items.push(this.inputs(ids[i]!, hotOf(raw)));
    });
    return items;
  }

  /** Writes each tier if its hot half is still the version read; returns the ids that were not. */
  async saveIfUnchanged(writes: TierWrite[]): Promise<string[]> {
    const commits = writes.map(({ input, tier, change }): Commit => {
      const id = input.externalUserId;
      const ops = indexChanges(this.keys, id, { tier: input.tier, reps: input.reps }, { tier, reps: input.reps });
      if (change) ops.push(historyOp(this.keys, change));
      return { key: this.keys.contact(id), mode: 'hot', expected: input.version, next: encodeHot({ ...input, tier }), ops };
    });
    const results = await runCommits(this.redis, commits);
    return writes.filter((_, i) => results[i] !== 'ok').map((w) => w.input.externalUserId);
  }

  private inputs(externalUserId: string, hot: string): VersionedTierInputs {
    return { externalUserId, ...decodeHot(hot), version: hot };
  }
}
