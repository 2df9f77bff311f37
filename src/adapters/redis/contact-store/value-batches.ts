import type { Redis } from 'ioredis';
import type { OrderTotals, ValueSummary } from '../../../domain/ports.ts';
import type { Value } from '../../../domain/value/value-score.ts';
import type { RedisKeys } from '../keys.ts';
import { orderTotals } from './codec.ts';
import { defineCommitCommand, runCommits, type Commit } from './commit.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { SEGMENTS } from './indexes.ts';
import { pageIds } from './paging.ts';
import { readValueTail, withValueTail, type ValueTail } from './value-tail.ts';

/** One contact as the value job sees it: its order totals, its stored value, and the record read. */
export interface ValueRow {
  externalUserId: string;
  orders: OrderTotals;
  stored: Value | null;
  /** The record as read (compare-and-set); kept only while its batch is in hand. */
  raw: Buffer;
  tail: ValueTail;
}

export interface ValueWrite {
  row: ValueRow;
  value: Value | null;
}

/**
 * Batch access to contacts for the value job: ids by ZRANGEBYLEX over the tier indexes
 * (every contact is in exactly one), records by MGET as buffers of which only the tail
 * is decoded (value-tail.ts: order totals and value, no JSON parse of names and
 * relations), and writes as batched compare-and-set commits of the whole record with
 * only its value replaced — no index moves, since no index depends on the value.
 */
export class RedisValueBatches {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    defineCommitCommand(redis);
  }

  /** The next `count` ids of a pass over every contact, and where the next page starts (null: the end). */
  async scanIds(cursor: string | null, count: number): Promise<{ ids: string[]; nextCursor: string | null }> {
    const page = await pageIds(this.redis, this.keys, { segments: SEGMENTS, from: cursor === null ? null : decodeCursor(cursor), limit: count });
    return { ids: page.ids, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  /** The given contacts (unknown ones are left out). */
  async read(ids: string[]): Promise<ValueRow[]> {
    if (ids.length === 0) return [];
    const raws = await this.redis.mgetBuffer(ids.map((id) => this.keys.contact(id)));
    const rows: ValueRow[] = [];
    raws.forEach((raw, i) => {
      if (raw === null) return;
      const tail = readValueTail(raw);
      rows.push({ externalUserId: ids[i]!, orders: orderTotals(tail.totals), stored: tail.value, raw, tail });
    });
    return rows;
  }

  /** Writes each value if the record is still the one read; returns the ids that were not. */
  async saveIfUnchanged(writes: ValueWrite[]): Promise<string[]> {
    const commits = writes.map(({ row, value }): Commit => ({
      key: this.keys.contact(row.externalUserId),
      expected: row.raw.toString('utf8'),
      next: withValueTail(row.raw, row.tail, value),
      ops: [],
    }));
    const results = await runCommits(this.redis, commits);
    return writes.filter((_, i) => results[i] !== 'ok').map((w) => w.row.externalUserId);
  }

  async saveSummary(summary: ValueSummary): Promise<void> {
    await this.redis.set(this.keys.valueSummary(), JSON.stringify(summary));
  }
}
