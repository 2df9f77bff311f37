import type { Redis } from 'ioredis';
import type { CustomerFinder } from '../../domain/bot/ports.ts';
import { contactGrams } from '../../domain/contacts/name-search.ts';
import type { ContactRecord } from '../../domain/ports.ts';
import type { Tier } from '../../domain/tiers/policy.ts';
import { backfillIndexOnce } from './contact-store/backfill-index.ts';
import { SEGMENTS } from './contact-store/indexes.ts';
import type { RedisKeys } from './keys.ts';
import type { RedisContactStore } from './redis-contact-store.ts';

/** Bumped when the name index's meaning changes, so every deployment backfills once more. */
const INDEX_VERSION = '1';
const MGET_CHUNK = 500;

/**
 * KEYS: `ng` gram sets, then `nr` rep sets (a rep's five tier segments; 0 for the corp).
 * ARGV: ng, nr, limit. Walks the smallest source — the rarest gram, or the rep's own
 * customers when they are fewer — and keeps the ids every other gram set holds (and, when
 * walking a gram, one of the rep's sets). At most `limit` ids, in the source's order.
 * Only ZCARD/ZRANGE/ZSCORE on the given keys: what a member typed is never a pattern.
 */
const FIND_LUA = `
local ng, nr, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local best, size = 0, -1
for i = 1, ng do
  local n = redis.call('ZCARD', KEYS[i])
  if n == 0 then return {} end
  if size < 0 or n < size then best, size = i, n end
end
local sources = { best }
if nr > 0 then
  local own = 0
  for j = 1, nr do own = own + redis.call('ZCARD', KEYS[ng + j]) end
  if own < size then
    sources = {}
    for j = 1, nr do sources[j] = ng + j end
  end
end
local out = {}
for _, s in ipairs(sources) do
  local start = 0
  while #out < limit do
    local page = redis.call('ZRANGE', KEYS[s], start, start + 499)
    if #page == 0 then break end
    for _, id in ipairs(page) do
      local ok = true
      for i = 1, ng do
        if i ~= s and not redis.call('ZSCORE', KEYS[i], id) then ok = false break end
      end
      if ok and nr > 0 and s <= ng then
        ok = false
        for j = 1, nr do
          if redis.call('ZSCORE', KEYS[ng + j], id) then ok = true break end
        end
      end
      if ok then
        out[#out + 1] = id
        if #out >= limit then break end
      end
    end
    start = start + 500
  end
  if #out >= limit then break end
end
return out
`;

/**
 * The bot's reads over the archive's indexes: names by gram (keys.nameIndex, kept by the
 * contact commit), a tier by follow-up urgency (keys.followUpDue), a rep's customers
 * (keys.repTierIndex). No read scans the archive.
 */
export class RedisCustomerFinder implements CustomerFinder {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly store: RedisContactStore;

  constructor({ redis, keys, store }: { redis: Redis; keys: RedisKeys; store: RedisContactStore }) {
    this.redis = redis;
    this.keys = keys;
    this.store = store;
  }

  async findByGrams(grams: readonly string[], rep: string | undefined, limit: number): Promise<ContactRecord[]> {
    if (grams.length === 0 || limit <= 0) return [];
    const repKeys = rep === undefined ? [] : SEGMENTS.map((s) => this.keys.repTierIndex(rep, s));
    const keys = [...grams.map((g) => this.keys.nameIndex(g)), ...repKeys];
    const ids = (await this.redis.eval(FIND_LUA, keys.length, ...keys, grams.length, repKeys.length, limit)) as string[];
    return this.store.getMany(ids);
  }

  get(externalUserId: string): Promise<ContactRecord | null> {
    return this.store.get(externalUserId);
  }

  async byUrgency(tier: Tier, rep: string | undefined, limit: number): Promise<{ records: ContactRecord[]; total: number }> {
    const due = this.keys.followUpDue(tier);
    if (rep !== undefined) {
      // A rep's tier is small (hundreds): rank all of it by the follow-up index.
      const ids = await this.redis.zrange(this.keys.repTierIndex(rep, tier), 0, -1);
      if (ids.length === 0) return { records: [], total: 0 };
      const anchors = await this.redis.zmscore(due, ...ids);
      const ranked = ids.map((id, i) => ({ id, anchor: anchors[i] === null || anchors[i] === undefined ? Infinity : Number(anchors[i]) }))
        .sort((a, b) => a.anchor - b.anchor || (a.id < b.id ? -1 : 1));
      return { records: await this.store.getMany(ranked.slice(0, limit).map((r) => r.id)), total: ids.length };
    }
    const [ranked, total] = await Promise.all([this.redis.zrange(due, 0, limit - 1), this.redis.zcard(this.keys.tierIndex(tier))]);
    const ids = [...ranked];
    if (ids.length < limit) {
      // Fewer can be followed up than asked for: the rest of the tier after them, by id.
      const rest = await this.redis.zrange(this.keys.tierIndex(tier), 0, limit * 2);
      for (const id of rest) if (ids.length < limit && !ranked.includes(id)) ids.push(id);
    }
    return { records: await this.store.getMany(ids), total };
  }

  async ofRep(rep: string): Promise<ContactRecord[]> {
    const pipeline = this.redis.pipeline();
    for (const s of SEGMENTS) pipeline.zrange(this.keys.repTierIndex(rep, s), 0, -1);
    const ids = ((await pipeline.exec()) ?? []).flatMap(([err, page]) => {
      if (err) throw err;
      return page as string[];
    });
    const records: ContactRecord[] = [];
    for (let i = 0; i < ids.length; i += MGET_CHUNK) records.push(...(await this.store.getMany(ids.slice(i, i + MGET_CHUNK))));
    return records;
  }

  countAnchoredBefore(tier: Tier, cutoff: number): Promise<number> {
    return this.redis.zcount(this.keys.followUpDue(tier), '-inf', `(${cutoff}`);
  }

  /** Files contacts stored before this index existed, once (contact-store/backfill-index.ts). */
  backfillOnce(): Promise<number> {
    return backfillIndexOnce(this.redis, this.keys, {
      versionKey: this.keys.nameIndexVersion(), version: INDEX_VERSION, label: 'name index',
      opsFor: (id, { record }) => contactGrams(record.contact).map((g) => ({ op: 'Z+' as const, key: this.keys.nameIndex(g), score: 0, member: id })),
    });
  }
}
