import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisKfSyncState } from '../../src/adapters/redis/kf-sync-state.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { personalSkip } from '../../src/domain/outreach/personal-skip.ts';
import { KfSyncBusyError, syncKfMessages } from '../../src/jobs/kf/sync-kf-messages.ts';
import { contactEvent, createWorld, MINUTE, type World } from './contact-events.fixture.ts';

const KF = 'wkSales';

// 微信客服 messages: kf_msg_or_event → kf.sync job → kf/sync_msg pages → interactions → tier.
describe('kf messages into interactions and tiers (sandbox, real Redis)', () => {
  let w: World;

  beforeEach(async () => {
    w = await createWorld('kf');
    w.sandbox.state.seed({ kfAccounts: [{ open_kfid: KF, name: '销售咨询' }] });
  });
  afterEach(async () => {
    await w.close();
  });

  async function addLiNa(): Promise<void> {
    await w.sandbox.simulate.addContact({ userid: 'zhangwei', name: '李娜', external_userid: 'wmLiNa', state: 'expo2025' });
    await w.handle(contactEvent('add_external_contact', 'zhangwei', 'wmLiNa', { state: 'expo2025' }), 'add-lina');
  }

  /** The customer writes; Fenji gets the callback (not yet synced). Returns the callback's id. */
  async function write(text: string, externalUserId = 'wmLiNa'): Promise<string> {
    w.clock.advance(MINUTE);
    const { token } = await w.sandbox.simulate.customerMessage({ external_userid: externalUserId, text, open_kfid: KF });
    const id = `kf-cb-${w.clock.now()}`;
    await w.handle({ kind: 'kf_msg_or_event', token, openKfId: KF }, id);
    return id;
  }

  it('turns three customer messages into B, each stored once though the callback is handled twice', async () => {
    await addLiNa();
    const ids = [await write('在吗'), await write('想了解一下'), await write('有资料吗')];
    await w.handle({ kind: 'kf_msg_or_event', token: 'ENCstale', openKfId: KF }, ids[2]!); // WeCom's retry: same id
    expect(w.kfJobs.size).toBe(3);
    await w.runKfJobs();
    // The same callback processed twice more (its job ran again): nothing new.
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    const record = await w.store.get('wmLiNa');
    expect(record?.engagement.inbound).toHaveLength(3);
    expect(record?.tier).toMatchObject({ tier: 'B', source: 'rules' });
    expect(record?.tier?.reasons[0]).toContain('3 条消息/14天');
    expect(w.told.map((c) => c.to)).toEqual(['C', 'B']);
  });

  it('reads in pages, saving the cursor per page; overlapping pages add nothing twice', async () => {
    await addLiNa();
    for (const text of ['一', '二', '三', '四', '五']) await write(text);
    const stats = await syncKfMessages(w.kfDeps({ pageLimit: 2 }), { openKfId: KF, token: '' });
    expect(stats).toMatchObject({ pages: 3, messages: 5, added: 5, duplicate: 0 });
    expect(w.sandbox.calls.count('/cgi-bin/kf/sync_msg')).toBe(3);
    const cursor = await w.redis.get(w.keys.kfCursor(KF));
    expect(cursor).not.toBeNull();

    // A cursor from before the last pages (as after a crash between store and save).
    await w.redis.del(w.keys.kfCursor(KF));
    const replay = await syncKfMessages(w.kfDeps({ pageLimit: 3 }), { openKfId: KF, token: '' });
    expect(replay).toMatchObject({ messages: 5, added: 0, duplicate: 5 });
    expect(await w.redis.get(w.keys.kfCursor(KF))).toBe(cursor);
    expect((await w.store.get('wmLiNa'))?.engagement.inbound).toHaveLength(5);
  });

  it('saves no cursor for a page whose messages could not be stored', async () => {
    await write('在吗', 'wmStranger');
    w.sandbox.faults.failNext(1, 50001, { path: 'externalcontact/get' });
    await expect(syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' })).rejects.toThrow();
    expect(await w.redis.get(w.keys.kfCursor(KF))).toBeNull();
    // The retry reads the page again; a customer WeCom has no relation for is recorded bare.
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    const record = await w.store.get('wmStranger');
    expect(record?.contact.follows).toEqual([]);
    expect(record?.engagement.inbound).toHaveLength(1);
    expect(record?.tier?.tier).toBe('C');
  });

  it("puts a customer who asks for a price in B, with that reason", async () => {
    await addLiNa();
    await write('你好，能给个报价吗');
    await w.runKfJobs();
    const record = await w.store.get('wmLiNa');
    expect(record?.engagement.intents).toEqual([expect.objectContaining({ keyword: '报价' })]);
    expect(record?.tier).toMatchObject({ tier: 'B' });
    expect(record?.tier?.reasons.some((r) => r.startsWith("提到'报价'"))).toBe(true);
  });

  it('opts out a customer who writes 退订, in the same write as the message; a re-sync after the reversal changes nothing', async () => {
    await addLiNa();
    await write('在吗');
    await write('ＴＤ 🙏');
    const stats = await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    expect(stats).toMatchObject({ added: 2, optOuts: 1 });
    const record = (await w.store.get('wmLiNa'))!;
    expect(record.optOut).toMatchObject({ keyword: 'TD', source: expect.stringMatching(/^kf-/) });
    expect(record.optOut!.at).toBeLessThanOrEqual(w.clock.now());
    expect(personalSkip(record)).toBe('opted_out');

    // The rep reverses it; then the account is read again from the start (a lost cursor).
    w.clock.advance(MINUTE);
    await w.store.applyOptOutFact('wmLiNa', { kind: 'reversal', reversal: { at: w.clock.now(), by: 'crm' } });
    await w.redis.del(w.keys.kfCursor(KF));
    expect(await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' })).toMatchObject({ duplicate: 2, optOuts: 0 });
    expect(personalSkip((await w.store.get('wmLiNa'))!)).toBeNull();

    // A 退订 written before a reversal but read after it does not count; one written after does.
    await write('不要再给我发消息了');
    w.clock.advance(MINUTE);
    await w.store.applyOptOutFact('wmLiNa', { kind: 'reversal', reversal: { at: w.clock.now(), by: 'crm' } });
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    expect(personalSkip((await w.store.get('wmLiNa'))!)).toBeNull();
    await write('退订');
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    expect((await w.store.get('wmLiNa'))?.optOut?.keyword).toBe('退订');
  });

  it('runs one sync per kf account at a time', async () => {
    const lock = await w.kfDeps().state.tryLock(KF, 5000);
    await expect(syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' })).rejects.toBeInstanceOf(KfSyncBusyError);
    await lock?.release();
    await expect(syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' })).resolves.toMatchObject({ pages: 1 });
  });

  it('gives the same tier and reasons when the same facts arrive in another order, or twice', async () => {
    const add = async (userid: string) => {
      w.clock.advance(MINUTE);
      await w.sandbox.simulate.addContact({ userid, name: '李娜', external_userid: 'wmLiNa', state: 'expo2025' });
      return Math.floor(w.clock.now() / 1000);
    };
    const addedZ = await add('zhangwei');
    const addedW = await add('wangfang');
    for (const text of ['在吗', '多少钱', '好的']) await write(text);
    w.clock.advance(MINUTE);
    await w.sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wmLiNa' });
    const left = Math.floor(w.clock.now() / 1000);
    w.clock.advance(MINUTE);

    let state = w.kfDeps().state;
    const events = {
      addZ: () => w.handle(contactEvent('add_external_contact', 'zhangwei', 'wmLiNa', { state: 'expo2025', createTime: addedZ }), 'addZ'),
      addW: () => w.handle(contactEvent('add_external_contact', 'wangfang', 'wmLiNa', { createTime: addedW }), 'addW'),
      kf: () => syncKfMessages(w.kfDeps({ state }), { openKfId: KF, token: '' }),
      leftZ: () => w.handle(contactEvent('del_follow_user', 'zhangwei', 'wmLiNa', { createTime: left }), 'leftZ'),
    };
    type Step = keyof typeof events;
    let run = 0;
    // Each order into an archive of its own (a fresh key prefix), read back the same way.
    const outcome = async (order: Step[]) => {
      const keys = new RedisKeys(`${w.prefix}-${run++}`);
      w.contacts.store = new RedisContactStore({ redis: w.redis, keys });
      state = new RedisKfSyncState(w.redis, keys);
      for (const step of order) await events[step]();
      const r = await w.contacts.store.get('wmLiNa');
      const follows = Object.fromEntries(r!.contact.follows.map((f) => [f.userId, f.status]));
      return { tier: r?.tier?.tier, reasons: r?.tier?.reasons, engagement: r?.engagement, follows };
    };
    const inOrder = await outcome(['addZ', 'addW', 'kf', 'leftZ']);
    expect(inOrder).toMatchObject({ tier: 'B', follows: { zhangwei: 'removed_by_customer', wangfang: 'active' } });
    expect(inOrder.reasons?.some((r) => r.startsWith("提到'多少钱'"))).toBe(true);
    const others: Step[][] = [['leftZ', 'kf', 'addW', 'addZ'], ['kf', 'leftZ', 'addZ', 'addW'], ['addW', 'leftZ', 'addZ', 'kf', 'leftZ', 'addZ']];
    for (const order of others) expect(await outcome(order), order.join(' → ')).toEqual(inOrder);
  });
});
