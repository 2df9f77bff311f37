import type { Redis } from 'ioredis';
import type { TierWrite, VersionedTierInputs } from '../../../domain/tiers/ports.ts';
import type { RedisKeys } from '../keys.ts';
import { decodeHot, encodeHot } from './codec.ts';
import { defineCommitCommand, runCommits, type Commit } from './commit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { pageIds } from './paging.ts';
import { historyOp, hotIndexedState, indexChanges, moveOps, type Segment } from './indexes.ts';

const NEWLINE = 0x0a;

/**
 * Batch access to contacts for tier jobs: ids by ZRANGEBYLEX (fetched ahead), records by
 * MGET (only their hot half is parsed: engagement, tier, override, reps), and writes as
 * batched hot-half compare-and-set commits (a record whose hot half changed since it was
 * read is reported, not overwritten).
 * Scans go D, C, B, A, then untiered: time moves contacts down and a first tier moves
 * them out of `_`, both into segments already scanned, so a recompute rarely meets the
 * same contact twice.
 */
export class RedisTierBatches {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private static readonly ORDER: readonly Segment[] = ['D', 'C', 'B', 'A', '_'];

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    defineCommitCommand(redis);
  }

  /**
   * The next `count` ids of a full pass (ZRANGEBYLEX only: cheap, so a job can fetch ids
   * well ahead of the records), the cursor after each, and after the last (null at the end).
   */
  async scanIds(cursor: string | null, count: number): Promise<{ ids: string[]; cursorAfter: (index: number) => string; nextCursor: string | null }> {
    const from = cursor === null ? null : decodeCursor(cursor);
    const page = await pageIds(this.redis, this.keys, { segments: RedisTierBatches.ORDER, from, limit: count, withSegments: true });
    const segments = page.segments!;
    return {
      ids: page.ids,
      cursorAfter: (index) => encodeCursor({ segment: segments[index]!, after: page.ids[index]! }),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  /** The given contacts (unknown ones are left out). */
  async read(ids: string[]): Promise<VersionedTierInputs[]> {
    if (ids.length === 0) return [];
    // As buffers, so only the hot half is decoded to a string (the cold half holds names
    // and remarks in Chinese: decoding them for nothing cost more than the whole MGET).
    const raws = await this.redis.mgetBuffer(ids.map((id) => this.keys.contact(id)));
    const items: VersionedTierInputs[] = [];
    raws.forEach((raw, i) => {
      if (raw === null) return;
      const end = raw.indexOf(NEWLINE);
      items.push(this.inputs(ids[i]!, raw.toString('utf8', 0, end < 0 ? raw.length : end)));
    });
    return items;
  }

  /** Writes each tier if its hot half is still the version read; returns the ids that were not. */
  async saveIfUnchanged(writes: TierWrite[]): Promise<string[]> {
    const at = Date.now();
    const commits = writes.map(({ input, tier, change }): Commit => {
      const id = input.externalUserId;
      const ops = indexChanges(this.keys, id, hotIndexedState(input), hotIndexedState({ ...input, tier }), at);
      if (change) ops.push(historyOp(this.keys, change), ...moveOps(this.keys, change, input.reps, at));
      return { key: this.keys.contact(id), mode: 'hot', expected: input.version, next: encodeHot({ ...input, tier }), ops };
    });
    const results = await runCommits(this.redis, commits);
    return writes.filter((_, i) => results[i] !== 'ok').map((w) => w.input.externalUserId);
  }

  private inputs(externalUserId: string, hot: string): VersionedTierInputs {
    return { externalUserId, ...decodeHot(hot), version: hot };
  }
}
