import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { AGENT_ID, startHarness, type Harness } from './wecom-client.fake.ts';

// The typed wrappers: right method, path, query/body, and what they unwrap.
describe('WeComApi endpoints', () => {
  let h: Harness;
  let api: WeComApi;
  beforeEach(async () => {
    h = await startHarness();
    api = new HttpWeComApi(h.client());
  });
  afterEach(async () => {
    await h.cleanup();
  });

  const ok = (fields: Record<string, unknown>): { json: Record<string, unknown> } => ({
    json: { errcode: 0, errmsg: 'ok', ...fields },
  });

  it('sendAppMessage posts to message/send with the agentid filled in', async () => {
    h.fake.queue('/cgi-bin/message/send', ok({ invaliduser: 'ghost', msgid: 'm1' }));
    const res = await api.sendAppMessage({ touser: 'u1|ghost', msgtype: 'text', text: { content: 'hi' } });

    expect(res).toMatchObject({ invaliduser: 'ghost', msgid: 'm1' });
    const [call] = h.fake.callsTo('/cgi-bin/message/send');
    expect(JSON.parse(call?.body ?? '')).toEqual({
      touser: 'u1|ghost',
      msgtype: 'text',
      text: { content: 'hi' },
      agentid: AGENT_ID,
    });
  });

  it('GET wrappers pass their arguments in the query and unwrap lists', async () => {
    h.fake.queue('/cgi-bin/externalcontact/get_follow_user_list', ok({ follow_user: ['u1', 'u2'] }));
    h.fake.queue('/cgi-bin/externalcontact/list', ok({ external_userid: ['wm1'] }));
    h.fake.queue(
      '/cgi-bin/externalcontact/get',
      ok({ external_contact: { external_userid: 'wm1', name: 'Li', type: 1, gender: 2 }, follow_user: [] }),
    );

    expect(await api.getFollowUserList()).toEqual(['u1', 'u2']);
    expect(await api.listExternalContacts('u1')).toEqual(['wm1']);
    const contact = await api.getExternalContact('wm1', 'c2');
    expect(contact.external_contact.name).toBe('Li');

    expect(h.fake.callsTo('/cgi-bin/externalcontact/list')[0]?.query.get('userid')).toBe('u1');
    const get = h.fake.callsTo('/cgi-bin/externalcontact/get')[0];
    expect(get?.method).toBe('GET');
    expect(get?.query.get('external_userid')).toBe('wm1');
    expect(get?.query.get('cursor')).toBe('c2');
  });

  it('POST wrappers send their input as the JSON body', async () => {
    const groups = [{ group_id: 'g1', group_name: 'Tier', create_time: 1, order: 0, tag: [] }];
    h.fake.queue('/cgi-bin/externalcontact/get_corp_tag_list', ok({ tag_group: groups }));
    h.fake.queue('/cgi-bin/externalcontact/batch/get_by_user', ok({ external_contact_list: [], next_cursor: '' }));
    h.fake.queue('/cgi-bin/kf/sync_msg', ok({ next_cursor: 'n1', has_more: 0, msg_list: [] }));
    h.fake.queue('/cgi-bin/kf/send_msg', ok({ msgid: 'our-id' }));

    expect(await api.getCorpTagList()).toEqual(groups);
    await api.batchGetByUser({ userid_list: ['u1'], cursor: '', limit: 100 });
    await api.markTag({ userid: 'u1', external_userid: 'wm1', add_tag: ['et1'], remove_tag: [] });
    const synced = await api.kfSyncMsg({ cursor: 'c1', token: 'ENC', limit: 1000 });
    const sent = await api.kfSendMsg({
      touser: 'wm1',
      open_kfid: 'wk1',
      msgid: 'our-id',
      msgtype: 'text',
      text: { content: 'hello' },
    });

    expect(synced.next_cursor).toBe('n1');
    expect(sent).toEqual({ msgid: 'our-id' });
    const body = (path: string): unknown => JSON.parse(h.fake.callsTo(path)[0]?.body ?? 'null');
    expect(body('/cgi-bin/externalcontact/get_corp_tag_list')).toEqual({});
    expect(body('/cgi-bin/externalcontact/batch/get_by_user')).toEqual({ userid_list: ['u1'], cursor: '', limit: 100 });
    expect(body('/cgi-bin/externalcontact/mark_tag')).toEqual({
      userid: 'u1',
      external_userid: 'wm1',
      add_tag: ['et1'],
      remove_tag: [],
    });
    expect(body('/cgi-bin/kf/sync_msg')).toEqual({ cursor: 'c1', token: 'ENC', limit: 1000 });
  });
});
