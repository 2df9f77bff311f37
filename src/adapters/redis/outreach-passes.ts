import type { Redis } from 'ioredis';
import type { OutreachPasses } from '../../domain/outreach/ports.ts';
import type { RedisKeys } from './keys.ts';

/** A pass key names its day; kept past the day and its catch-up days wherever the clock is. */
const PASS_TTL_S = 4 * 86_400;

/**
 * Completed planning passes (OutreachPlanner.passKey) in Redis, a string each
 * (keys.outreachPass). Two schedulers may both read a pass before either records it: the
 * ledger's claims keep that to reading twice, never sending twice.
 */
export class RedisOutreachPasses implements OutreachPasses {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
  }

  async done(passKey: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.outreachPass(passKey))) === 1;
  }

  async markDone(passKey: string): Promise<void> {
    await this.redis.set(this.keys.outreachPass(passKey), '1', 'EX', PASS_TTL_S);
  }
}
