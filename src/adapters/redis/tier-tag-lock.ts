import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';

/** Deletes / extends the lock only while `owner` still holds it (a lapsed lease is someone else's). */
const RELEASE_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const EXTEND_LUA = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

export interface TierTagLockOptions {
  redis: Redis;
  keys: RedisKeys;
  /** How long the lock outlives a crashed holder. Renewed at a third of it while held. */
  leaseMs?: number;
}

/**
 * One holder at a time per contact, across processes: the tier.tag job that mirrors a
 * contact's tier in WeCom holds it from reading the tier to recording the tags it set,
 * so two jobs of one contact never interleave their mark_tag calls (WeCom applies them in
 * the order they arrive: the older job could land last). A lease (SET NX PX with an owner
 * token, renewed while held) frees the lock of a crashed holder; release and renewal
 * check the owner, so a holder whose lease lapsed never frees its successor's lock.
 */
export class RedisTierTagLock {
  private readonly leaseMs: number;

  constructor(private readonly options: TierTagLockOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Runs `fn` holding the contact's lock; `{ held: false }` without running it when another holds it. */
  async tryWith<T>(externalUserId: string, fn: () => Promise<T>): Promise<{ held: true; value: T } | { held: false }> {
    const { redis, keys } = this.options;
    const key = keys.tierTagLock(externalUserId);
    const owner = randomUUID();
    if ((await redis.set(key, owner, 'PX', this.leaseMs, 'NX')) !== 'OK') return { held: false };
    const renew = setInterval(() => {
      redis.eval(EXTEND_LUA, 1, key, owner, this.leaseMs).catch(() => undefined);
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    try {
      return { held: true, value: await fn() };
    } finally {
      clearInterval(renew);
      // A failed release only delays the next holder until the lease ends.
      await redis.eval(RELEASE_LUA, 1, key, owner).catch(() => undefined);
    }
  }
}
