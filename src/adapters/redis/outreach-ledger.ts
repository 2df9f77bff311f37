import type { Redis, Result } from 'ioredis';
import type { FollowUpLedger, SendOutcome } from '../../domain/outreach/ports.ts';
import type { RedisKeys } from './keys.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiFollowUpClaims(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number[], Context>;
  }
}

/**
 * claim: each key not held is set to the owner (PX ttl); one the owner holds gets its TTL
 * renewed; one another owner holds is left alone. release: the owner's keys are deleted.
 * hold: the owner's keys get TTL ttl. Returns the 1-based positions the owner holds (had,
 * for release). Atomic, so two owners can never both think they hold a contact.
 */
const CLAIMS_LUA = `
local mode, owner, ttl = ARGV[1], ARGV[2], ARGV[3]
local held = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if mode == 'claim' and not v then
    redis.call('SET', key, owner, 'PX', ttl)
    held[#held + 1] = i
  elseif v == owner then
    if mode == 'release' then redis.call('DEL', key) else redis.call('PEXPIRE', key, ttl) end
    held[#held + 1] = i
  end
end
return held
`;

/** Keys per script call: a few ms of Redis time at most. */
const CHUNK = 1000;
/** A send's outcome is kept this long: well past any retry of its job. */
const OUTCOME_TTL_MS = 7 * 86_400_000;

/** Claims and send outcomes of follow-up jobs in Redis (keys.followUpClaim, keys.followUpSend). */
export class RedisFollowUpLedger implements FollowUpLedger {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor({ redis, keys }: { redis: Redis; keys: RedisKeys }) {
    this.redis = redis;
    this.keys = keys;
    if (typeof (redis as Partial<Redis>).fenjiFollowUpClaims !== 'function') {
      redis.defineCommand('fenjiFollowUpClaims', { lua: CLAIMS_LUA });
    }
  }

  claim(ids: readonly string[], owner: string, ttlMs: number): Promise<string[]> {
    return this.run('claim', ids, owner, ttlMs);
  }

  async release(ids: readonly string[], owner: string): Promise<void> {
    await this.run('release', ids, owner, 0);
  }

  async hold(ids: readonly string[], owner: string, ttlMs: number): Promise<void> {
    await this.run('hold', ids, owner, ttlMs);
  }

  async outcome(jobId: string): Promise<SendOutcome | null> {
    const raw = await this.redis.get(this.keys.followUpSend(jobId));
    return raw === null ? null : (JSON.parse(raw) as SendOutcome);
  }

  async saveOutcome(jobId: string, outcome: SendOutcome): Promise<void> {
    await this.redis.set(this.keys.followUpSend(jobId), JSON.stringify(outcome), 'PX', OUTCOME_TTL_MS);
  }

  async clearOutcome(jobId: string): Promise<void> {
    await this.redis.del(this.keys.followUpSend(jobId));
  }

  private async run(mode: 'claim' | 'release' | 'hold', ids: readonly string[], owner: string, ttlMs: number): Promise<string[]> {
    const held: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const positions = await this.redis.fenjiFollowUpClaims(chunk.length, ...chunk.map((id) => this.keys.followUpClaim(id)), mode, owner, Math.max(1, Math.round(ttlMs)));
      for (const p of positions) held.push(chunk[p - 1]!);
    }
    return held;
  }
}
