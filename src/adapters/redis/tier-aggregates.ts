import type { Redis } from 'ioredis';
import type { ParetoShare, ReportReads, ShareRow, TierChange, TierCounts, TierMove, TierTable } from '../../domain/reports/ports.ts';
import { TIERS, type Tier } from '../../domain/tiers/policy.ts';
import { hourOf } from './contact-store/indexes.ts';
import type { RedisKeys } from './keys.ts';

const HOUR_MS = 3_600_000;
/** Hours in the week a report looks back on. */
const WEEK_HOURS = 7 * 24;

/** Sums the top `k` scores of a sorted set in Redis, so 20,000 buyers never cross the wire. */
const TOP_SUM_LUA = `
local k = tonumber(ARGV[1])
local sum, i = 0, 0
while i < k do
  local page = redis.call('ZREVRANGE', KEYS[1], i, math.min(i + 999, k - 1), 'WITHSCORES')
  if #page == 0 then break end
  for j = 2, #page, 2 do sum = sum + tonumber(page[j]) end
  i = i + #page / 2
end
return tostring(sum)
`;

/** Rebuilds counts from the indexes, one key at a time, each atomic with the commits. */
const RECOUNT_LUA = `
for i = 1, #KEYS do
  local n = redis.call('ZCARD', KEYS[i])
  if n > 0 then redis.call('HSET', ARGV[1], ARGV[i + 1], n) else redis.call('HDEL', ARGV[1], ARGV[i + 1]) end
end
return #KEYS
`;

const zero = (): TierCounts => ({ A: 0, B: 0, C: 0, D: 0 });
const isTier = (s: string): s is Tier => (TIERS as readonly string[]).includes(s);

/**
 * The report aggregates (keys.tierCounts, tierDeltas, tierMoves, orderTotals, buyerRevenue):
 * written by the contact commit (contact-store/indexes.ts, order-aggregates.ts), read here.
 * Hour buckets come from this process's clock, like the writes (never the fake domain clock).
 */
export class RedisTierAggregates implements ReportReads {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly now: () => number;

  constructor({ redis, keys, now = Date.now }: { redis: Redis; keys: RedisKeys; now?: () => number }) {
    this.redis = redis;
    this.keys = keys;
    this.now = now;
  }

  async tierTable(): Promise<TierTable> {
    const fields = await this.redis.hgetall(this.keys.tierCounts());
    const corp = zero();
    const reps = new Map<string, TierCounts>();
    for (const [field, raw] of Object.entries(fields)) {
      const bar = field.lastIndexOf('|');
      const tier = field.slice(bar + 1);
      if (!isTier(tier)) continue;
      if (bar < 0) corp[tier] = Number(raw);
      else {
        const rep = field.slice(0, bar);
        const counts = reps.get(rep) ?? zero();
        counts[tier] = Number(raw);
        reps.set(rep, counts);
      }
    }
    return { corp, reps: [...reps].map(([rep, counts]) => ({ rep, counts })).sort((a, b) => (a.rep < b.rep ? -1 : 1)) };
  }

  async tierChange(rep?: string): Promise<TierChange> {
    const { hours, since } = await this.week();
    const fields = TIERS.map((t) => (rep === undefined ? t : `${rep}|${t}`));
    const pipeline = this.redis.pipeline();
    for (const h of hours) pipeline.hmget(this.keys.tierDeltas(h), ...fields);
    const delta = zero();
    for (const [err, values] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      (values as (string | null)[]).forEach((v, i) => (delta[TIERS[i]!] += Number(v ?? 0)));
    }
    return { since, delta };
  }

  async tierMoves(rep?: string): Promise<{ since: number; moves: TierMove[] }> {
    const { hours, since } = await this.week();
    const pipeline = this.redis.pipeline();
    for (const h of hours) pipeline.hgetall(this.keys.tierMoves(h));
    const sums = new Map<string, number>();
    const prefix = rep === undefined ? '' : `${rep}|`;
    for (const [err, fields] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      for (const [field, raw] of Object.entries(fields as Record<string, string>)) {
        const move = rep === undefined ? (field.includes('|') ? null : field) : field.startsWith(prefix) ? field.slice(prefix.length) : null;
        if (move !== null) sums.set(move, (sums.get(move) ?? 0) + Number(raw));
      }
    }
    const moves: TierMove[] = [];
    for (const [move, count] of sums) {
      const [from, to] = move.split('>');
      if (to && isTier(to) && from !== to) moves.push({ from: from && isTier(from) ? from : null, to, count });
    }
    return { since, moves: moves.sort((a, b) => b.count - a.count) };
  }

  async orderBreakdown(): Promise<{ products: ShareRow[]; regions: ShareRow[] }> {
    const fields = await this.redis.hgetall(this.keys.orderTotals());
    const rows = { p: new Map<string, ShareRow>(), r: new Map<string, ShareRow>() };
    for (const [field, raw] of Object.entries(fields)) {
      const kind = field.slice(0, 1) as 'p' | 'r';
      const last = field.lastIndexOf('|');
      const label = field.slice(2, last);
      const map = rows[kind];
      if (!map) continue;
      const row = map.get(label) ?? { label, orders: 0, amount: 0 };
      if (field.endsWith('|n')) row.orders = Number(raw);
      else row.amount = Number(raw) / 100;
      map.set(label, row);
    }
    const sorted = (m: Map<string, ShareRow>) => [...m.values()].sort((a, b) => b.amount - a.amount || (a.label < b.label ? -1 : 1));
    return { products: sorted(rows.p), regions: sorted(rows.r) };
  }

  async pareto(share = 0.2): Promise<ParetoShare> {
    const key = this.keys.buyerRevenue();
    const buyers = await this.redis.zcard(key);
    const top = Math.ceil(buyers * share);
    const [topFen, allFen] = await Promise.all([
      this.redis.eval(TOP_SUM_LUA, 1, key, top) as Promise<string>,
      this.redis.eval(TOP_SUM_LUA, 1, key, buyers) as Promise<string>,
    ]);
    return { buyers, top, topAmount: Number(topFen) / 100, totalAmount: Number(allFen) / 100 };
  }

  /**
   * Rebuilds the tier counts from the tier indexes (an archive kept before the counts, or a
   * repair): each count is set to its index's ZCARD in one script call, so a commit racing
   * the rebuild lands either before (counted by ZCARD) or after (adds to the rebuilt count).
   * Deltas before this moment are unknown: `since` moves here.
   */
  async recountTiers(): Promise<number> {
    await this.redis.del(this.keys.tierCounts());
    const indexPrefix = this.keys.tierIndex('');
    const repPrefix = this.keys.repTierIndex('', '').slice(0, -1);
    let cursor = '0';
    let keysDone = 0;
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.keys.prefix}:ix:[tr]:*`, 'COUNT', 1000);
      cursor = next;
      const pairs = found.flatMap((key) => {
        if (key.startsWith(indexPrefix)) return [[key, key.slice(indexPrefix.length)]];
        if (key.startsWith(repPrefix)) return [[key, key.slice(repPrefix.length).replace(/:([A-D_])$/, '|$1')]];
        return [];
      });
      if (pairs.length > 0) await this.redis.eval(RECOUNT_LUA, pairs.length, ...pairs.map((p) => p[0]!), this.keys.tierCounts(), ...pairs.map((p) => p[1]!));
      keysDone += pairs.length;
    } while (cursor !== '0');
    await this.redis.set(this.keys.tierAggregatesSince(), String(this.now()));
    return keysDone;
  }

  /** The hour buckets of the last 7 days and where they start (or when counting began, if later). */
  private async week(): Promise<{ hours: number[]; since: number }> {
    const current = hourOf(this.now());
    const hours = Array.from({ length: WEEK_HOURS }, (_, i) => current - i);
    const started = Number((await this.redis.get(this.keys.tierAggregatesSince())) ?? 0);
    return { hours, since: Math.max(started, (current - WEEK_HOURS + 1) * HOUR_MS) };
  }
}
