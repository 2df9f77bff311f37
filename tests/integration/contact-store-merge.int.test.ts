import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { Contact, FollowRelation } from '../../src/domain/contacts/contact.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { contactRecord, followRelation } from '../helpers/factories.ts';

const T0 = Date.UTC(2025, 10, 1, 2);

function rel(userId: string, status: FollowRelation['status'] = 'active', changedAt = T0): FollowRelation {
  return followRelation(userId, T0, { status, changedAt });
}

function contact(follows: FollowRelation[], over: Partial<Contact> = {}): Contact {
  return contactRecord('wm1', T0, { name: '王小明', gender: 'male', follows, ...over });
}

describe('RedisContactStore: merging listed relations and relation facts (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('merge');
    store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('mergeContact keeps relations the listing does not name, keeps the profile, and reports the relations before', async () => {
    await store.upsertContact(contact([rel('rep1')], { profile: { region: '杭州' } }));
    const first = await store.mergeContact(contact([rel('rep2')], { name: '王总' }));
    expect(first.before).toEqual([rel('rep1')]);
    const second = await store.mergeContact(contact([{ ...rel('rep1'), remark: '展会' }]));
    expect(second.before.map((f) => f.userId)).toEqual(['rep1', 'rep2']);

    const stored = await store.get('wm1');
    expect(stored?.contact.name).toBe('王小明');
    expect(stored?.contact.profile).toEqual({ region: '杭州' });
    expect(stored?.contact.follows).toEqual([{ ...rel('rep1'), remark: '展会' }, rel('rep2')]);
    // The rep index follows the merged relations.
    expect((await store.list({ rep: 'rep2', limit: 10 })).records.map((r) => r.contact.externalUserId)).toEqual(['wm1']);
  });

  it('applyRelationFacts applies the latest fact per relation and leaves the rep index in step; null for an unknown contact', async () => {
    await store.upsertContact(contact([rel('rep1'), rel('rep2')]));
    const after = await store.applyRelationFacts('wm1', [
      { userId: 'rep1', status: 'removed_by_rep', at: T0 + 1000 },
      { userId: 'rep2', status: 'removed_by_rep', at: T0 - 1000 },
    ]);
    expect(after?.follows).toEqual([rel('rep1', 'removed_by_rep', T0 + 1000), rel('rep2')]);
    expect((await store.list({ rep: 'rep1', limit: 10 })).records).toEqual([]);
    expect(await store.applyRelationFacts('wmUnknown', [{ userId: 'rep1', status: 'removed_by_rep', at: T0 }])).toBeNull();
    expect(await store.get('wmUnknown')).toBeNull();
  });
});
