import type { Redis } from 'ioredis';
import type { ParetoShare, ReportReads, ShareRow, TierChange, TierCounts, TierMove, TierTable } from '../../domain/reports/ports.ts';
import { TIERS, type Tier } from '../../domain/tiers/policy.ts';
import { hourOf, repField } from './contact-store/indexes.ts';
import type { RedisKeys } from './keys.ts';

const HOUR_MS = 3_600_000;
/** Hours in the week a report looks back on. */
const WEEK_HOURS = 7 * 24;

/**
 * The buyers, how many are the top `share`, and the sums of their scores and of all, in
 * one pass over the sorted set inside Redis (atomic, so the three agree; 20,000 buyers
 * never cross the wire, and the set is walked once, not once per sum).
 */
const PARETO_LUA = `
local n = redis.call('ZCARD', KEYS[1])
local k = math.ceil(n * tonumber(ARGV[1]))
local top, all, i = 0, 0, 0
while i < n do
  local page = redis.call('ZREVRANGE', KEYS[1], i, i + 999, 'WITHSCORES')
  if #page == 0 then break end
  for j = 2, #page, 2 do
    local v = tonumber(page[j])
    all = all + v
    if i + j / 2 <= k then top = top + v end
  end
  i = i + #page / 2
end
return { n, k, tostring(top), tostring(all) }
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

/** Every move a tier change can record (indexes.ts moveOps: `<from or _>><to>`), from ≠ to. */
const MOVE_FIELDS: readonly { from: Tier | null; to: Tier; field: string }[] = [null, ...TIERS].flatMap((from) =>
  TIERS.filter((to) => to !== from).map((to) => ({ from, to, field: `${from ?? '_'}>${to}` })));
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

  /** One rep's counts: their four fields, not the whole table of every rep. */
  async repTierCounts(rep: string): Promise<TierCounts> {
    const values = await this.redis.hmget(this.keys.tierCounts(), ...TIERS.map((t) => repField(rep, t)));
    const counts = zero();
    TIERS.forEach((t, i) => (counts[t] = Number(values[i] ?? 0)));
    return counts;
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

  /**
   * One HMGET per hour of only the scope's move fields (MOVE_FIELDS, after `<rep>|` for a
   * rep): an hour's hash holds every rep's moves, hundreds of fields, and reading them all
   * for 168 hours to keep twenty was most of 报表's time over a big archive.
   */
  async tierMoves(rep?: string): Promise<{ since: number; moves: TierMove[] }> {
    const { hours, since } = await this.week();
    const fields = MOVE_FIELDS.map((m) => (rep === undefined ? m.field : `${rep}|${m.field}`));
    const pipeline = this.redis.pipeline();
    for (const h of hours) pipeline.hmget(this.keys.tierMoves(h), ...fields);
    const sums = MOVE_FIELDS.map(() => 0);
    for (const [err, values] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      (values as (string | null)[]).forEach((v, i) => (sums[i]! += Number(v ?? 0)));
    }
    const moves = MOVE_FIELDS.flatMap(({ from, to }, i) => (sums[i]! > 0 ? [{ from, to, count: sums[i]! }] : []));
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
    const [buyers, top, topFen, allFen] = (await this.redis.eval(PARETO_LUA, 1, this.keys.buyerRevenue(), String(share))) as [number, number, string, string];
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
