import { afterAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { ownerToken, RedisOutreachLedger } from '../../src/adapters/redis/outreach-ledger.ts';
import { RedisOutreachPasses } from '../../src/adapters/redis/outreach-passes.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const redis = connectTestRedis();
const prefixes: string[] = [];
const keysOf = () => {
  const prefix = uniquePrefix('passes');
  prefixes.push(prefix);
  return new RedisKeys(prefix);
};
afterAll(async () => {
  for (const prefix of prefixes) await deleteByPrefix(redis, prefix);
  redis.disconnect();
});

const NOW = Date.UTC(2026, 9, 1, 1, 31);
const clock = { now: () => NOW };

describe('RedisOutreachPasses', () => {
  it('a pass is done only once marked, with a TTL past its catch-up days', async () => {
    const keys = keysOf();
    const passes = new RedisOutreachPasses({ redis, keys });
    expect(await passes.done('holiday:2026-10-01:holiday:nationalDay:2026')).toBe(false);
    await passes.markDone('holiday:2026-10-01:holiday:nationalDay:2026');
    await passes.markDone('holiday:2026-10-01:holiday:nationalDay:2026');
    expect(await passes.done('holiday:2026-10-01:holiday:nationalDay:2026')).toBe(true);
    expect(await passes.done('holiday:2026-10-02:holiday:nationalDay:2026')).toBe(false);
    const ttl = await redis.ttl(keys.outreachPass('holiday:2026-10-01:holiday:nationalDay:2026'));
    expect(ttl).toBeGreaterThan(3 * 86_400);
  });
});

describe('RedisOutreachLedger.claimEach: one call, an owner per item', () => {
  it('marks each item for its own owner, and a later item of the same customer sees the earlier one', async () => {
    const keys = keysOf();
    const ledger = new RedisOutreachLedger({ redis, keys, timeZone: 'Asia/Shanghai', rule: 'month', clock });
    const until = NOW + 3_600_000;
    const verdicts = await ledger.claimEach([
      { externalUserId: 'wm1', occasionKey: 'holiday:nationalDay:2026', counts: true, owner: 'send-a' },
      { externalUserId: 'wm2', occasionKey: 'holiday:nationalDay:2026', counts: false, owner: 'list-b' },
      // Same customer, another occasion the same day: the day is taken by send-a's mark.
      { externalUserId: 'wm1', occasionKey: 'holiday:other:2026', counts: true, owner: 'send-c' },
    ], NOW, until);
    expect(verdicts).toEqual(['ok', 'ok', 'day_taken']);
    const occasion = await redis.hgetall(keys.outreachOccasion('holiday:nationalDay:2026'));
    expect(occasion['wm1']!.split('~')[0]).toBe(ownerToken('send-a'));
    expect(occasion['wm2']!.split('~')[0]).toBe(ownerToken('list-b'));
    // Each owner renews its own claim; another owner is refused.
    expect(await ledger.claim([{ externalUserId: 'wm1', occasionKey: 'holiday:nationalDay:2026', counts: true }], 'send-a', NOW, until)).toEqual(['ok']);
    expect(await ledger.claim([{ externalUserId: 'wm2', occasionKey: 'holiday:nationalDay:2026', counts: false }], 'send-a', NOW, until)).toEqual(['already_sent']);
  });
});

describe('RedisOutreachLedger: items travel as one JSON argument', () => {
  it('keeps any customer id byte for byte (Han characters, quotes, backslashes, tabs, newlines)', async () => {
    const keys = keysOf();
    const ledger = new RedisOutreachLedger({ redis, keys, timeZone: 'Asia/Shanghai', rule: 'month', clock });
    const ids = ['wm张三', 'wm"quoted"', 'wm\\back', 'wm\ttab', 'wm\nline', 'wm😀'];
    const items = ids.map((externalUserId) => ({ externalUserId, occasionKey: 'holiday:springFestival:2027', counts: true }));
    expect(await ledger.claim(items, 'send-a', NOW, NOW + 3_600_000)).toEqual(ids.map(() => 'ok'));
    // Stored under the very id (a hash field written by the client would be the same bytes).
    expect(Object.keys(await redis.hgetall(keys.outreachOccasion('holiday:springFestival:2027'))).sort()).toEqual([...ids].sort());
    expect(await ledger.check(items, NOW)).toEqual(ids.map(() => 'already_sent'));
  });

  it('claims a batch larger than one script call (chunks sent together, run in order)', async () => {
    const keys = keysOf();
    const ledger = new RedisOutreachLedger({ redis, keys, timeZone: 'Asia/Shanghai', rule: 'day', clock });
    // 1,200 items: three calls; the last item repeats the first customer for another owner,
    // so it must see the first call's mark.
    const items = Array.from({ length: 1199 }, (_, k) => ({ externalUserId: `wm${k}`, occasionKey: 'holiday:qingming:2027', counts: true, owner: 'send-a' }));
    items.push({ externalUserId: 'wm0', occasionKey: 'holiday:other:2027', counts: true, owner: 'send-b' });
    const verdicts = await ledger.claimEach(items, NOW, NOW + 3_600_000);
    expect(verdicts.slice(0, 1199).every((v) => v === 'ok')).toBe(true);
    expect(verdicts[1199]).toBe('day_taken');
  });
});
