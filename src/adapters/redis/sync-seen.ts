import type { Redis } from 'ioredis';
import type { ListedPair } from '../../domain/contacts/ports.ts';
import type { RedisKeys } from './keys.ts';

/** A run's sets outlive a crashed or failed run by this long, then expire. */
const SEEN_TTL_SECONDS = 3 * 24 * 3600;

const member = (p: ListedPair): string => `${p.externalUserId}\n${p.userId}`;

/**
 * What one contact sync run has read from WeCom, kept in Redis so it survives a retried or
 * resumed job: the (customer, rep) pairs, for the reconciliation, and the customers, for
 * exact counts. A run is named by its job id.
 */
export class RedisSyncSeen {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Records pairs; returns how many distinct pairs and customers the run has read so far
   * (set sizes, so a page recorded twice after a crash is still counted once).
   */
  async add(runId: string, pairs: readonly ListedPair[]): Promise<{ pairs: number; contacts: number }> {
    const pairKey = this.keys.syncSeenPairs(runId);
    const contactKey = this.keys.syncSeenContacts(runId);
    const multi = this.redis.multi();
    if (pairs.length > 0) {
      multi.sadd(pairKey, ...pairs.map(member)).sadd(contactKey, ...new Set(pairs.map((p) => p.externalUserId)));
    }
    const replies = await multi
      .expire(pairKey, SEEN_TTL_SECONDS)
      .expire(contactKey, SEEN_TTL_SECONDS)
      .scard(pairKey)
      .scard(contactKey)
      .exec();
    const last = (fromEnd: number): number => {
      const [err, n] = replies?.[replies.length - fromEnd] ?? [new Error('sync seen: no reply'), 0];
      if (err) throw err;
      return Number(n);
    };
    return { pairs: last(2), contacts: last(1) };
  }

  /** For each pair, whether this run has read it. */
  async listed(runId: string, pairs: readonly ListedPair[]): Promise<boolean[]> {
    if (pairs.length === 0) return [];
    const found = await this.redis.smismember(this.keys.syncSeenPairs(runId), ...pairs.map(member));
    return found.map((n) => n === 1);
  }

  /** Forgets a finished run. */
  async clear(runId: string): Promise<void> {
    await this.redis.del(this.keys.syncSeenPairs(runId), this.keys.syncSeenContacts(runId));
  }
}
