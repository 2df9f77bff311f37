import pino from 'pino';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { WeComTierTagCatalog } from '../../src/adapters/wecom-api/tier-tags.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

const policy = { tagGroupName: '客户分级', tagNames: { A: 'A 成交', B: 'B 种子', C: 'C 潜在', D: 'D 沉默' } };

describe('WeComTierTagCatalog against the WeCom sandbox', () => {
  let sandbox: Sandbox;
  let redis: Redis;
  let prefix: string;
  let keys: RedisKeys;
  let catalog: () => WeComTierTagCatalog;

  beforeEach(async () => {
    sandbox = await startSandbox();
    redis = connectTestRedis();
    prefix = uniquePrefix('tags');
    keys = new RedisKeys(prefix);
    const log = pino({ level: 'silent' });
    const api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, log }));
    // A new catalog per call stands for another process: only Redis is shared.
    catalog = () => new WeComTierTagCatalog({ api, redis, keys, policy, log });
  });
  afterEach(async () => {
    await sandbox.close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  const groupsNamed = (name: string) => sandbox.state.tagGroups.filter((g) => g.group_name === name);

  it('creates the group with one tag per tier when the corp has none, and caches the ids', async () => {
    const ids = await catalog().ids();
    const [group] = groupsNamed('客户分级');
    expect(group!.tags.map((t) => t.name).sort()).toEqual(['A 成交', 'B 种子', 'C 潜在', 'D 沉默']);
    expect(ids.groupId).toBe(group!.group_id);
    expect(ids.tags.B).toBe(group!.tags.find((t) => t.name === 'B 种子')!.id);
    expect(JSON.parse((await redis.get(keys.tierTags()))!)).toEqual(ids);

    await catalog().ids();
    expect(sandbox.calls.count('externalcontact/get_corp_tag_list')).toBe(1);
    expect(sandbox.calls.count('externalcontact/add_corp_tag')).toBe(1);
  });

  it('completes an existing group without touching the tags it already has', async () => {
    const seeded = sandbox.state.seed({ tagGroups: [{ group_name: '客户分级', tags: ['A 成交', 'VIP'] }] });
    const aId = seeded.tagGroups[0]!.tags[0]!.id;
    const ids = await catalog().ids();
    expect(groupsNamed('客户分级')).toHaveLength(1);
    expect(ids.tags.A).toBe(aId);
    expect(groupsNamed('客户分级')[0]!.tags.map((t) => t.name)).toEqual(['A 成交', 'VIP', 'B 种子', 'C 潜在', 'D 沉默']);
  });

  it('answers which tier a relation carries, and null for other tags', async () => {
    const { tags } = await catalog().ids();
    expect(await catalog().tierOfTagIds(['etOther', tags.C])).toBe('C');
    expect(await catalog().tierOfTagIds([tags.D, tags.B])).toBe('B');
    expect(await catalog().tierOfTagIds(['etOther'])).toBeNull();
  });

  it('re-creates a tier tag deleted in the admin console when the corp tags change', async () => {
    const before = await catalog().ids();
    const group = groupsNamed('客户分级')[0]!;
    group.tags = group.tags.filter((t) => t.id !== before.tags.C);
    await catalog().onCorpTagsChanged();
    const after = await catalog().ids();
    expect(after.tags.C).not.toBe(before.tags.C);
    expect(group.tags.find((t) => t.name === 'C 潜在')!.id).toBe(after.tags.C);
    expect(after.tags.A).toBe(before.tags.A);
  });

  it('shares one refresh between concurrent callers in a process', async () => {
    const one = catalog();
    await Promise.all([one.refresh(), one.refresh(), one.ids()]);
    expect(sandbox.calls.count('externalcontact/get_corp_tag_list')).toBe(1);
  });
});
