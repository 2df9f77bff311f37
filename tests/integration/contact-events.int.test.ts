import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REP_TAG_OVERRIDE_REASON } from '../../src/domain/contacts/apply-contact-change.ts';
import type { TierTagCatalog } from '../../src/domain/ports.ts';
import type { Tier } from '../../src/domain/tiers/policy.ts';
import { contactEvent, createWorld, MINUTE, type World } from './contact-events.fixture.ts';

// Relation events (change_external_contact) through the real handler, WeCom sandbox and
// RedisContactStore: the archive and the tier follow what reps and customers do.
describe('relation events into contact facts (sandbox, real Redis)', () => {
  let w: World;

  beforeEach(async () => {
    w = await createWorld('evt');
  });
  afterEach(async () => {
    await w.close();
  });

  /** A rep adds a customer in the sandbox, and Fenji gets the add event. */
  async function add(externalUserId: string, state = 'expo2025', userid = 'zhangwei'): Promise<void> {
    await w.sandbox.simulate.addContact({ userid, name: '李娜', external_userid: externalUserId, state, gender: 2 });
    await w.handle(contactEvent('add_external_contact', userid, externalUserId, { state }), `add-${externalUserId}-${userid}-${w.clock.now()}`);
  }

  it('stores an added contact with its channel, and tiers it C (new)', async () => {
    await add('wmLiNa');
    const record = await w.store.get('wmLiNa');
    expect(record?.contact).toMatchObject({ name: '李娜', gender: 'female' });
    expect(record?.contact.follows).toEqual([expect.objectContaining({ userId: 'zhangwei', state: 'expo2025', status: 'active' })]);
    expect(record?.tier).toMatchObject({ tier: 'C', source: 'rules' });
    expect(record?.tier?.reasons[0]).toContain('新添加');
    expect(w.told).toEqual([expect.objectContaining({ externalUserId: 'wmLiNa', from: null, to: 'C' })]);
  });

  it('churns a customer who deletes the rep (D, customer left), and re-activates on a new add', async () => {
    await add('wmLiNa');
    w.clock.advance(MINUTE);
    await w.sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wmLiNa' });
    await w.handle(contactEvent('del_follow_user', 'zhangwei', 'wmLiNa'), 'del-follow');
    let record = await w.store.get('wmLiNa');
    expect(record?.contact.follows[0]?.status).toBe('removed_by_customer');
    expect(record?.engagement.customerLeft).toBe(true);
    expect(record?.tier).toMatchObject({ tier: 'D', lifecycle: 'churned', reasons: ['客户已删除销售好友'] });
    expect(await w.store.tierCounts('zhangwei')).toMatchObject({ C: 0, D: 0 });

    // An edit of the one-way relation WeCom still lists does not bring the customer back.
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit-after-leave');
    expect((await w.store.get('wmLiNa'))?.tier?.tier).toBe('D');

    w.clock.advance(MINUTE);
    await add('wmLiNa');
    record = await w.store.get('wmLiNa');
    expect(record?.engagement.customerLeft).toBe(false);
    expect(record?.tier?.tier).toBe('C');
  });

  it('marks a relation the rep deleted (transfer noted) without churning the customer', async () => {
    await add('wmLiNa');
    await add('wmLiNa', 'expo2025', 'wangfang');
    w.clock.advance(MINUTE);
    await w.sandbox.simulate.deleteContact({ userid: 'zhangwei', external_userid: 'wmLiNa' });
    await w.handle(contactEvent('del_external_contact', 'zhangwei', 'wmLiNa', { source: 'DELETE_BY_TRANSFER' }), 'del-ext');
    const record = await w.store.get('wmLiNa');
    const byRep = Object.fromEntries(record!.contact.follows.map((f) => [f.userId, f.status]));
    expect(byRep).toEqual({ zhangwei: 'removed_by_rep', wangfang: 'active' });
    expect(record?.engagement.customerLeft).toBe(false);
    expect(await w.store.tierCounts('zhangwei')).toMatchObject({ C: 0 });
    expect(await w.store.tierCounts('wangfang')).toMatchObject({ C: 1 });
  });

  it("records a rep's tier tag edit as a manual override that sticks, and ignores other edits", async () => {
    const tagIds = Object.fromEntries(w.sandbox.state.tagGroups[0]!.tags.map((t) => [t.name.slice(0, 1), t.id])) as Record<Tier, string>;
    const catalog: TierTagCatalog = {
      tierOfTagIds: async (ids) => (['A', 'B', 'C', 'D'] as const).find((t) => ids.includes(tagIds[t])) ?? null,
    };
    w.contacts.catalog = catalog;
    await add('wmLiNa');
    // Fenji's own mirror (mark_tag fires no callback): C on the relation; then a remark edit.
    await w.api.markTag({ userid: 'zhangwei', external_userid: 'wmLiNa', add_tag: [tagIds.C] });
    await w.sandbox.simulate.editTags({ userid: 'zhangwei', external_userid: 'wmLiNa', remark: '李总' });
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit-remark');
    let record = await w.store.get('wmLiNa');
    expect(record?.override).toBeNull();
    expect(record?.contact.follows[0]).toMatchObject({ remark: '李总', tagIds: [tagIds.C] });

    w.clock.advance(MINUTE);
    await w.sandbox.simulate.editTags({ userid: 'zhangwei', external_userid: 'wmLiNa', add_tag: ['A 成交'], remove_tag: ['C 潜在'] });
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit-tier');
    record = await w.store.get('wmLiNa');
    expect(record?.override).toEqual({ tier: 'A', by: 'zhangwei', reason: REP_TAG_OVERRIDE_REASON, at: w.clock.now() });
    expect(record?.tier).toMatchObject({ tier: 'A', source: 'override' });
    expect(w.told.at(-1)).toMatchObject({ from: 'C', to: 'A', source: 'override' });

    // Replayed, the same edit changes nothing more.
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit-tier-again');
    expect((await w.store.history('wmLiNa', 10)).map((c) => c.to)).toEqual(['A', 'C']);
  });

  it('ignores events about contacts neither Fenji nor WeCom knows, and transfer failures', async () => {
    for (const type of ['edit_external_contact', 'del_external_contact', 'del_follow_user', 'add_external_contact', 'transfer_fail']) {
      await w.handle(contactEvent(type, 'zhangwei', 'wmNobody', { failReason: 'customer_refused' }), `nobody-${type}`);
    }
    expect(await w.store.get('wmNobody')).toBeNull();
    expect(w.told).toEqual([]);
  });

  it('marks the relation gone when WeCom no longer has it (84061) on an edit', async () => {
    await add('wmLiNa');
    w.sandbox.faults.failNext(1, 84061, { path: 'externalcontact/get' });
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit-gone');
    expect((await w.store.get('wmLiNa'))?.contact.follows[0]?.status).toBe('removed_by_rep');
  });
});
