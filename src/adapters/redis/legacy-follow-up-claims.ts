import type { Redis, Result } from 'ioredis';
import type { LedgerItem, LegacyFollowUpClaims, OutreachLedger } from '../../domain/outreach/ports.ts';
import type { Clock } from '../../shared/clock.ts';
import type { RedisKeys } from './keys.ts';

/** Deletes (release) or re-times (hold) the keys the owner holds; atomic per call. */
const OWNED_LUA = `
local mode, owner, ttl = ARGV[1], ARGV[2], ARGV[3]
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == owner then
    if mode == 'release' then redis.call('DEL', key) else redis.call('PEXPIRE', key, ttl) end
  end
end
return 0
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    fenjiLegacyFollowUpClaims(numKeys: number, ...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}

/**
 * The per-contact claims of the old followups queue (keys.followUpClaim), kept readable so
 * an upgrade loses and repeats nothing: the follow-up planner leaves a held contact out,
 * and a followups.result job queued before the upgrade settles its recipients here, as it
 * did. Nothing new is claimed; the last key expires a week after the upgrade.
 */
export class RedisLegacyFollowUpClaims implements LegacyFollowUpClaims {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly clock: Clock;

  constructor({ redis, keys, clock }: { redis: Redis; keys: RedisKeys; clock: Clock }) {
    this.clock = clock;
    this.redis = redis;
    this.keys = keys;
    if (typeof (redis as Partial<Redis>).fenjiLegacyFollowUpClaims !== 'function') {
      redis.defineCommand('fenjiLegacyFollowUpClaims', { lua: OWNED_LUA });
    }
  }

  async held(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const owners = await this.redis.mget(...ids.map((id) => this.keys.followUpClaim(id)));
    return new Set(ids.filter((_, i) => owners[i] !== null));
  }

  /** Whether an old followups.send job reached its add_msg_template call (its outcome was saved). */
  async called(jobId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.followUpSend(jobId))) === 1;
  }

  /** The old claims as the read-back's ledger: sent or released frees them (the recorded push moves the anchor), hold re-times them. */
  asLedger(): Pick<OutreachLedger, 'release' | 'hold' | 'markSent'> {
    const run = async (mode: 'release' | 'hold', items: readonly LedgerItem[], owner: string, ttlMs: number) => {
      if (items.length === 0) return;
      const keys = items.map((i) => this.keys.followUpClaim(i.externalUserId));
      await this.redis.fenjiLegacyFollowUpClaims(keys.length, ...keys, mode, owner, Math.max(1, Math.round(ttlMs)));
    };
    return {
      // keepDay (WeCom refused it): held a day, as the old queue did.
      release: (items, owner, _at, options) => run(options?.keepDay ? 'hold' : 'release', items, owner, 86_400_000),
      markSent: (items, owner) => run('release', items, owner, 0),
      hold: (items, owner, _at, until) => run('hold', items, owner, until - this.clock.now()),
    };
  }
}
