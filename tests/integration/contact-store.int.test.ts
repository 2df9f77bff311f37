import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { Contact, Interaction } from '../../src/domain/contacts/contact.ts';
import { emptyEngagement } from '../../src/domain/engagement/engagement.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';
import { contactRecord, followRelation, inboundMessage } from '../helpers/factories.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 10, 1, 2);
const KEYWORDS = ['价格', '报价'];

function contact(id: string, over: Partial<Contact> = {}): Contact {
  return contactRecord(id, T0, {
    name: '王小明',
    gender: 'male',
    corpName: '小明贸易',
    follows: [followRelation('rep1', T0, { addWay: 1, state: 'ad-2025', tagIds: ['etTAG1'], remark: '展会' })],
    profile: { region: '杭州' },
    ...over,
  });
}

function message(id: string, contactId: string, at: number, text?: string): Interaction {
  return inboundMessage(id, contactId, at, text);
}

describe('RedisContactStore: records and idempotent facts (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisContactStore;

  beforeEach(() => {
    redis = connectTestRedis();
    prefix = uniquePrefix('contacts');
    store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
  });

  afterEach(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('round-trips a contact with every field, and starts it untiered with an empty summary', async () => {
    const full = contact('wm1', {
      avatar: 'https://wework.qpic.cn/a/0',
      follows: [
        { userId: 'rep1', addedAt: T0, tagIds: [], status: 'active', changedAt: T0 },
        { userId: 'rep2', addedAt: T0 - DAY, addWay: 202, tagIds: ['a', 'b'], status: 'removed_by_rep', changedAt: T0, remark: 'x' },
      ],
      profile: { birthday: { calendar: 'lunar', month: 8, day: 15 }, age: 33, interests: ['茶'], note: '多行\n备注' },
    });
    await store.upsertContact(full);
    const got = await store.get('wm1');
    expect(got?.contact).toEqual(full);
    // addedAt comes from the active relations only (rep2's relation was removed).
    expect(got?.engagement).toEqual({ ...emptyEngagement(), addedAt: T0 });
    expect(got).toMatchObject({ tier: null, override: null, value: null, orders: { count: 0, amount: 0, profit: 0, paid: 0, daysLate: 0 } });
    expect(await store.list({ limit: 10 })).toMatchObject({ records: [{ contact: { externalUserId: 'wm1' } }], nextCursor: null });
  });

  it('answers unknown contacts without writing anything', async () => {
    expect(await store.get('nobody')).toBeNull();
    expect(await store.addInteraction(message('m1', 'nobody', T0), KEYWORDS)).toBe('unknown_contact');
    expect(await store.addOrder({ orderId: 'o1', externalUserId: 'nobody', amount: 10, paidAt: T0 })).toBe('unknown_contact');
    expect(await store.patchProfile('nobody', { age: 3 }, T0)).toBe(false);
    expect(await store.setOverride('nobody', { tier: 'A', by: 'm', reason: 'r', at: T0 })).toBe(false);
    await store.setCustomerLeft('nobody', true);
    await store.saveTier('nobody', { tier: 'A', source: 'rules', reasons: [], since: T0, nextReviewAt: T0, lifecycle: 'new' }, null);
    await store.saveValues([{ externalUserId: 'nobody', score: 1, grade: 'low', quadrant: null }]);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });

  it('keeps profile, facts and tier when the contact is upserted again, and replaces relations', async () => {
    await store.upsertContact(contact('wm1'));
    await store.addInteraction(message('m1', 'wm1', T0 + 1000), KEYWORDS);
    await store.patchProfile('wm1', { occupation: '采购' }, T0 + 5);
    await store.upsertContact(contact('wm1', { name: '王总', profile: {}, createdAt: T0 + 99, updatedAt: T0 + 10, follows: [] }));
    const got = await store.get('wm1');
    expect(got?.contact).toMatchObject({ name: '王总', follows: [], createdAt: T0, updatedAt: T0 + 10, profile: { region: '杭州', occupation: '采购' } });
    expect(got?.engagement.inbound).toEqual([T0 + 1000]);
    expect(got?.engagement.addedAt).toBeNull();
  });

  it('merges profile patches field by field and leaves undefined fields alone', async () => {
    await store.upsertContact(contact('wm1', { profile: { region: '杭州', age: 30 } }));
    expect(await store.patchProfile('wm1', { age: 31, employer: '某公司', region: undefined }, T0 + DAY)).toBe(true);
    expect(await store.patchProfile('wm1', { interests: ['钓鱼'] }, T0 + 2 * DAY)).toBe(true);
    const got = await store.get('wm1');
    expect(got?.contact.profile).toEqual({ region: '杭州', age: 31, employer: '某公司', interests: ['钓鱼'] });
    expect(got?.contact.updatedAt).toBe(T0 + 2 * DAY);
  });

  it('counts an interaction once: replays and 10 concurrent adds of the same id give one', async () => {
    await store.upsertContact(contact('wm1'));
    const m = message('m1', 'wm1', T0 + 1000, '请给个报价');
    const results = await Promise.all(Array.from({ length: 10 }, () => store.addInteraction(m, KEYWORDS)));
    expect(results.filter((r) => r === 'added')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(9);
    expect(await store.addInteraction(m, KEYWORDS)).toBe('duplicate');
    const e = (await store.get('wm1'))!.engagement;
    expect(e.inbound).toEqual([T0 + 1000]);
    expect(e.intents).toEqual([{ at: T0 + 1000, keyword: '报价' }]);
  });

  it('loses no interaction when 20 different ones arrive at once (compare-and-set retries)', async () => {
    await store.upsertContact(contact('wm1'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.addInteraction({ ...message(`m${i}`, 'wm1', T0 + i * 1000), direction: i % 2 ? 'outbound' : 'inbound' }, KEYWORDS)),
    );
    expect(results.every((r) => r === 'added')).toBe(true);
    const e = (await store.get('wm1'))!.engagement;
    expect(e.inbound).toEqual(Array.from({ length: 10 }, (_, i) => T0 + i * 2000));
    expect(e.pushes).toEqual([5, 7, 9, 11, 13, 15, 17, 19].map((i) => T0 + i * 1000));
  });

  it('remembers the ids of the 16 kept messages and of the last 16 others exactly; an older replay changes nothing', async () => {
    await store.upsertContact(contact('wm1'));
    // The summary keeps m20..m35; m0..m19 fell off its list, of which m4..m19 are remembered.
    for (let i = 0; i < 36; i++) expect(await store.addInteraction(message(`m${i}`, 'wm1', T0 + i), KEYWORDS)).toBe('added');
    expect(await store.addInteraction(message('m35', 'wm1', T0 + 35), KEYWORDS)).toBe('duplicate');
    expect(await store.addInteraction(message('m20', 'wm1', T0 + 20, '报价'), KEYWORDS)).toBe('conflict');
    expect(await store.addInteraction(message('m4', 'wm1', T0 + 4), KEYWORDS)).toBe('duplicate');
    expect(await store.addInteraction(message('m4', 'wm1', T0 + 5), KEYWORDS)).toBe('conflict');
    const before = (await store.get('wm1'))!.engagement;
    // m0 fell out of the remembered ids: it is folded again, and folding is idempotent.
    expect(await store.addInteraction(message('m0', 'wm1', T0), KEYWORDS)).toBe('added');
    expect((await store.get('wm1'))!.engagement).toEqual(before);
  });

  it('counts an order once by orderId, in totals and in the engagement, even when replayed concurrently', async () => {
    await store.upsertContact(contact('wm1'));
    const order = { orderId: 'o-1', externalUserId: 'wm1', amount: 199.9, cost: 120.45, paidAt: T0 + DAY, daysLate: 2 };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.addOrder(order)));
    expect(results.sort()).toEqual(['added', ...Array<string>(9).fill('duplicate')]);
    expect(await store.addOrder({ orderId: 'o-2', externalUserId: 'wm1', amount: 0.1, profit: 0.05 })).toBe('added');
    expect(await store.addOrder({ orderId: 'o-2', externalUserId: 'wm1', amount: 0.1, profit: 0.05 })).toBe('duplicate');
    const got = (await store.get('wm1'))!;
    expect(got.orders).toEqual({ count: 2, amount: 200, profit: 79.5, paid: 1, daysLate: 2 });
    expect(got.engagement.paidOrders).toEqual([T0 + DAY]);
  });

  it('round-trips an override (with and without an end) and clears it', async () => {
    await store.upsertContact(contact('wm1'));
    const override = { tier: 'A' as const, by: 'manager1', reason: '大客户', at: T0, until: T0 + 30 * DAY };
    expect(await store.setOverride('wm1', override)).toBe(true);
    expect((await store.get('wm1'))!.override).toEqual(override);
    const forever = { tier: 'D' as const, by: 'rep1', reason: '不再联系', at: T0 + 1 };
    await store.setOverride('wm1', forever);
    expect((await store.get('wm1'))!.override).toEqual(forever);
    expect(await store.setOverride('wm1', null)).toBe(true);
    expect((await store.get('wm1'))!.override).toBeNull();
  });

  it('sets and clears customerLeft, and stores value results', async () => {
    await store.upsertContact(contact('wm1'));
    await store.upsertContact(contact('wm2'));
    await store.setCustomerLeft('wm1', true);
    expect((await store.get('wm1'))!.engagement.customerLeft).toBe(true);
    await store.setCustomerLeft('wm1', false);
    expect((await store.get('wm1'))!.engagement.customerLeft).toBe(false);
    await store.saveValues([
      { externalUserId: 'wm1', score: 87.5, grade: 'high', quadrant: 'star' },
      { externalUserId: 'wm2', score: 0, grade: 'low', quadrant: null },
    ]);
    expect((await store.get('wm1'))!.value).toEqual({ score: 87.5, grade: 'high', quadrant: 'star' });
    expect((await store.get('wm2'))!.value).toEqual({ score: 0, grade: 'low', quadrant: null });
  });
});
