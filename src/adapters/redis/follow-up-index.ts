import type { Redis } from 'ioredis';
import type { FollowUpIndex } from '../../domain/outreach/ports.ts';
import type { Tier } from '../../domain/tiers/policy.ts';
import { runCommits, type Commit } from './contact-store/commit.ts';
import { hotIndexedState } from './contact-store/indexes.ts';
import { RedisTierBatches } from './contact-store/tier-batches.ts';
import type { RedisKeys } from './keys.ts';

/** Bumped when the index's meaning changes, so every deployment backfills once more. */
const INDEX_VERSION = '1';
const BACKFILL_BATCH = 1000;
const MAX_ATTEMPTS = 20;

/**
 * Reads the follow-up due index: one sorted set per tier, contact id by follow-up anchor
 * (keys.followUpDue). The contact commit keeps it (contact-store/indexes.ts), atomically
 * with every record write, as a function of the record alone; the cadence is applied when
 * reading (an anchor before a cutoff), so a changed everyDays needs no re-indexing.
 */
export class RedisFollowUpIndex implements FollowUpIndex {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly batches: RedisTierBatches;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    this.batches = new RedisTierBatches({ redis, keys });
  }

  /** Contacts of `tier` whose anchor lies before `before`, oldest first, from `offset`. */
  async candidates(tier: Tier, before: number, offset: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.followUpDue(tier), '-inf', `(${before}`, 'LIMIT', offset, limit);
  }

  /**
   * Indexes contacts stored before this index existed, once per INDEX_VERSION (later writes
   * only move entries that changed, so an old contact nobody writes would never appear).
   * Each contact is indexed by a compare-and-set of its unchanged hot half, so an entry is
   * never derived from a record that has moved on. Idempotent; returns contacts indexed.
   */
  async backfillOnce(): Promise<number> {
    if ((await this.redis.get(this.keys.followUpIndexVersion())) === INDEX_VERSION) return 0;
    let indexed = 0;
    let cursor: string | null = null;
    do {
      const page = await this.batches.scanIds(cursor, BACKFILL_BATCH);
      indexed += await this.indexIds(page.ids);
      cursor = page.nextCursor;
    } while (cursor !== null);
    await this.redis.set(this.keys.followUpIndexVersion(), INDEX_VERSION);
    return indexed;
  }

  private async indexIds(ids: string[]): Promise<number> {
    let pending = ids;
    let indexed = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`follow-up index backfill: ${pending.length} contacts kept changing`);
      const items = await this.batches.read(pending);
      const commits: Commit[] = items.map((item) => {
        const entry = hotIndexedState(item).followUp;
        const ops: Commit['ops'] = (['A', 'B', 'C', 'D'] as const)
          .filter((t) => t !== entry?.tier)
          .map((t) => ({ op: 'Z-', key: this.keys.followUpDue(t), member: item.externalUserId }));
        if (entry) ops.push({ op: 'Z+', key: this.keys.followUpDue(entry.tier), score: entry.anchor, member: item.externalUserId });
        return { key: this.keys.contact(item.externalUserId), mode: 'hot', expected: item.version, next: item.version, ops };
      });
      const results = await runCommits(this.redis, commits);
      indexed += items.filter((item, i) => results[i] === 'ok' && hotIndexedState(item).followUp).length;
      pending = items.filter((_, i) => results[i] !== 'ok').map((item) => item.externalUserId);
    }
    return indexed;
  }
}
