import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KfSyncLock } from '../../domain/contacts/ports.ts';
import type { RedisKeys } from './keys.ts';

/* Release or extend the lock only while we still own it. KEYS[1] lock, ARGV[1] owner, ARGV[2] ttl ms (extend). */
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Per 微信客服 account: the kf/sync_msg cursor, and a short lock so one sync at a time
 * reads and advances it (two syncs racing would each store a cursor, possibly skipping
 * the other's page). Keys: keys.kfCursor, keys.kfSyncLock.
 */
export class RedisKfSyncState {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** The saved next_cursor, or null for "from the earliest readable message". */
  cursor(openKfId: string): Promise<string | null> {
    return this.redis.get(this.keys.kfCursor(openKfId));
  }

  async saveCursor(openKfId: string, cursor: string): Promise<void> {
    await this.redis.set(this.keys.kfCursor(openKfId), cursor);
  }

  /** The lock for `ttlMs`, or null when another sync holds it. */
  async tryLock(openKfId: string, ttlMs: number): Promise<KfSyncLock | null> {
    const key = this.keys.kfSyncLock(openKfId);
    const owner = randomUUID();
    if ((await this.redis.set(key, owner, 'PX', ttlMs, 'NX')) !== 'OK') return null;
    return {
      extend: async () => Number(await this.redis.eval(EXTEND_LUA, 1, key, owner, ttlMs)) === 1,
      release: async () => {
        await this.redis.eval(RELEASE_LUA, 1, key, owner);
      },
    };
  }
}
