import type { Redis } from 'ioredis';
import { TIERS, type Tier, type TierPolicy } from '../../domain/tiers/policy.ts';
import { AppError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { RedisKeys } from '../redis/keys.ts';
import type { CorpTagGroup, WeComApi } from '../../wecom/api.ts';

/** The corp tag group that mirrors tiers in the reps' WeCom client, and its tag per tier. */
export interface TierTagIds {
  groupId: string;
  tags: Record<Tier, string>;
}

export interface WeComTierTagCatalogOptions {
  api: Pick<WeComApi, 'getCorpTagList' | 'addCorpTag'>;
  redis: Redis;
  keys: RedisKeys;
  policy: Pick<TierPolicy, 'tagGroupName' | 'tagNames'>;
  log: Logger;
}

/** WeCom sorts bigger `order` first: A on top. */
const TAG_ORDER: Record<Tier, number> = { A: 4, B: 3, C: 2, D: 1 };

/**
 * The tier tags in WeCom: a corp tag group (policy.tagGroupName, default 客户分级) with one
 * tag per tier (policy.tagNames), created where missing. Tags are found by name, so the
 * config file stays the source of truth: a tier tag an admin renames or deletes in the
 * admin console is created again under the configured name on the next refresh.
 *
 * The id map is cached in Redis (keys.tierTags) for every process; it is rebuilt when it
 * is missing and on every change_external_tag callback (onCorpTagsChanged). Creating is
 * safe to race between processes: WeCom creates a name once per group, and an existing
 * group_name extends that group.
 */
export class WeComTierTagCatalog {
  private refreshing: Promise<TierTagIds> | null = null;

  constructor(private readonly options: WeComTierTagCatalogOptions) {}

  /** The tier tag ids, from the Redis cache, or from WeCom (creating what is missing). */
  async ids(): Promise<TierTagIds> {
    const cached = await this.options.redis.get(this.options.keys.tierTags());
    return cached === null ? this.refresh() : (JSON.parse(cached) as TierTagIds);
  }

  /**
   * The tier a relation's tags name, or null when none is a tier tag. With several tier
   * tags on one relation the highest tier wins (A before B…), so the answer is stable.
   */
  async tierOfTagIds(tagIds: readonly string[]): Promise<Tier | null> {
    const { tags } = await this.ids();
    const present = new Set(tagIds);
    return TIERS.find((tier) => present.has(tags[tier])) ?? null;
  }

  /** change_external_tag: the corp's tags changed (maybe ours), so read them again. */
  async onCorpTagsChanged(): Promise<void> {
    await this.refresh();
  }

  /** Reads the corp's tags from WeCom, creates missing tier tags, and caches the ids. */
  refresh(): Promise<TierTagIds> {
    this.refreshing ??= this.load().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async load(): Promise<TierTagIds> {
    const { api, policy, redis, keys, log } = this.options;
    const groups = await api.getCorpTagList();
    let found = findTierTags(groups, policy);
    if (found.missing.length > 0) {
      const tag = found.missing.map((tier) => ({ name: policy.tagNames[tier], order: TAG_ORDER[tier] }));
      const created = await api.addCorpTag(
        found.groupId ? { group_id: found.groupId, tag } : { group_name: policy.tagGroupName, order: 0, tag },
      );
      log.info({ group: created.group_name, created: found.missing }, 'tier tags created in WeCom');
      found = findTierTags([...groups.filter((g) => g.group_id !== created.group_id), mergeGroups(groups, created)], policy);
    }
    if (!found.groupId || found.missing.length > 0) {
      throw new AppError('tier_tags_unavailable', `WeCom did not create the tier tags ${found.missing.join(', ')} in ${policy.tagGroupName}`, { status: 502 });
    }
    const ids: TierTagIds = { groupId: found.groupId, tags: found.tags as Record<Tier, string> };
    await redis.set(keys.tierTags(), JSON.stringify(ids));
    return ids;
  }
}

/** Where the configured group and tag names stand in the corp's tag list. Pure. */
export function findTierTags(
  groups: readonly CorpTagGroup[],
  policy: Pick<TierPolicy, 'tagGroupName' | 'tagNames'>,
): { groupId: string | null; tags: Partial<Record<Tier, string>>; missing: Tier[] } {
  const group = groups.find((g) => !g.deleted && g.group_name === policy.tagGroupName);
  const tags: Partial<Record<Tier, string>> = {};
  for (const tier of TIERS) {
    const tag = group?.tag.find((t) => !t.deleted && t.name === policy.tagNames[tier]);
    if (tag) tags[tier] = tag.id;
  }
  return { groupId: group?.group_id ?? null, tags, missing: TIERS.filter((tier) => !tags[tier]) };
}

/** add_corp_tag answers with the requested tags only: merge them into what was read. */
function mergeGroups(groups: readonly CorpTagGroup[], created: CorpTagGroup): CorpTagGroup {
  const before = groups.find((g) => g.group_id === created.group_id);
  if (!before) return created;
  const known = new Set(before.tag.map((t) => t.id));
  return { ...before, tag: [...before.tag, ...created.tag.filter((t) => !known.has(t.id))] };
}
