import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OptOut } from '../../src/domain/ports.ts';
import { optOutNoticeEnqueuer } from '../../src/jobs/opt-out-notice/enqueue-opt-out-notices.ts';
import type { OptOutNoticeJobData } from '../../src/jobs/opt-out-notice/job.ts';
import { notifyOptOut } from '../../src/jobs/opt-out-notice/notify-opt-out.ts';
import { syncKfMessages } from '../../src/jobs/kf/sync-kf-messages.ts';
import { contactEvent, createWorld, MINUTE, type World } from './contact-events.fixture.ts';

const KF = 'wkSales';

// 退订 in 微信客服 → stored → the onOptOuts hook → optout.notice → message/send to the reps.
describe("the reps are told when their customer opts out (sandbox, real Redis)", () => {
  let w: World;
  let reported: { externalUserId: string; optOut: OptOut }[];

  beforeEach(async () => {
    w = await createWorld('optout-notice');
    w.sandbox.state.seed({ kfAccounts: [{ open_kfid: KF, name: '销售咨询' }] });
    reported = [];
    w.contacts.onOptOuts = async (optOuts) => void reported.push(...optOuts);
    for (const userid of ['zhangwei', 'wangfang']) {
      await w.sandbox.simulate.addContact({ userid, name: '李娜', external_userid: 'wmLiNa' });
      await w.handle(contactEvent('add_external_contact', userid, 'wmLiNa'), `add-${userid}`);
    }
    await w.sandbox.simulate.editTags({ userid: 'zhangwei', external_userid: 'wmLiNa', remark: '李总' });
    await w.handle(contactEvent('edit_external_contact', 'zhangwei', 'wmLiNa'), 'edit');
  });
  afterEach(async () => {
    await w.close();
  });

  async function customerWrites(text: string): Promise<void> {
    w.clock.advance(MINUTE);
    await w.sandbox.simulate.customerMessage({ external_userid: 'wmLiNa', text, open_kfid: KF });
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
  }

  const told = () => w.sandbox.state.appMessages.map((m) => ({ to: m.touser, text: (m.body['text'] as { content: string }).content }));

  it('each rep gets one app message naming the customer as they know them, with what they wrote', async () => {
    await customerWrites('你好');
    await customerWrites('不要再给我发消息了！');
    expect(reported).toHaveLength(1);
    const job: OptOutNoticeJobData = { externalUserId: 'wmLiNa', source: reported[0]!.optOut.source, at: reported[0]!.optOut.at };
    expect(await notifyOptOut({ store: w.store, api: w.api }, job)).toEqual({ sent: 2 });
    const messages = told().sort((a, b) => a.to[0]!.localeCompare(b.to[0]!));
    expect(messages.map((m) => m.to)).toEqual([['wangfang'], ['zhangwei']]);
    expect(messages[1]!.text).toContain('客户「李总」回复“不要再给我发”，已退订自动消息');
    expect(messages[0]!.text).toContain('客户「李娜」');
    expect(w.sandbox.calls.count('/cgi-bin/message/send')).toBe(2);
  });

  it('tells nobody of an opt-out the rep reversed before the notice ran; a page read again is reported as the same job', async () => {
    await customerWrites('TD');
    // Read again from the start (a lost cursor): the same opt-out, reported again while held.
    await w.redis.del(w.keys.kfCursor(KF));
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    expect(reported).toHaveLength(2);
    expect(reported[1]).toEqual(reported[0]);

    const connection = w.redis.duplicate();
    const queue = new Queue<OptOutNoticeJobData>('wecom-outbound', { connection, prefix: w.prefix });
    try {
      const enqueue = optOutNoticeEnqueuer(queue);
      await enqueue(reported);
      await enqueue(reported.slice(0, 1));
      expect(await queue.count()).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }

    await w.store.applyOptOutFact('wmLiNa', { kind: 'reversal', reversal: { at: w.clock.now(), by: 'crm' } });
    const job = { externalUserId: 'wmLiNa', source: reported[0]!.optOut.source, at: reported[0]!.optOut.at };
    expect(await notifyOptOut({ store: w.store, api: w.api }, job)).toEqual({ sent: 0, skipped: 'not_current' });
    // Read once more after the reversal: the old 退订 is not the one held, so nobody hears of it.
    await w.redis.del(w.keys.kfCursor(KF));
    await syncKfMessages(w.kfDeps(), { openKfId: KF, token: '' });
    expect(reported).toHaveLength(2);
    expect(told()).toEqual([]);
  });
});
