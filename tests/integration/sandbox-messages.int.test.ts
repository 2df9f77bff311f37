import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Welcome codes, kf sync/send, app messages and mass-message tasks.

let sandbox: Sandbox;
let token: string;
let now: number;

beforeEach(async () => {
  now = Date.UTC(2026, 2, 2, 10);
  sandbox = await startSandbox({ clock: { now: () => now } });
  token = await fetchToken(sandbox.url);
  sandbox.state.seed({
    reps: [{ userid: 'zhangwei', name: '张伟' }],
    contacts: [{ name: '李娜', external_userid: 'wm-lina', follow: ['zhangwei'] }, { name: '王芳', external_userid: 'wm-wangfang' }],
  });
});
afterEach(() => sandbox.close());

const api = (path: string, body: unknown) => callWeCom(sandbox.url, path, { token, body });

describe('send_welcome_msg', () => {
  it('accepts a fresh code once, then answers 41051', async () => {
    const { welcome_code } = await sandbox.simulate.addContact({ userid: 'zhangwei', name: '赵敏' });
    const body = { welcome_code, text: { content: '您好，我是张伟' } };
    expect((await api('externalcontact/send_welcome_msg', body)).errcode).toBe(0);
    expect((await api('externalcontact/send_welcome_msg', body)).errcode).toBe(41051);
    expect(sandbox.state.welcomeCodes.get(welcome_code!)!.message).toEqual(body);
  });

  it('answers 41050 after 20 seconds and for unknown codes', async () => {
    const { welcome_code } = await sandbox.simulate.addContact({ userid: 'zhangwei', name: '赵敏' });
    now += 20_001;
    expect((await api('externalcontact/send_welcome_msg', { welcome_code, text: { content: 'hi' } })).errcode).toBe(41050);
    expect((await api('externalcontact/send_welcome_msg', { welcome_code: 'nope', text: { content: 'hi' } })).errcode).toBe(41050);
  });
});

describe('kf/sync_msg', () => {
  it('walks the log with next_cursor: every message once, in order, then new ones only', async () => {
    for (const text of ['一', '二', '三']) {
      await sandbox.simulate.customerMessage({ external_userid: 'wm-lina', text });
    }
    const first = await api('kf/sync_msg', { limit: 2 });
    expect(first).toMatchObject({ errcode: 0, has_more: 1 });
    const texts = (a: Record<string, unknown>) => (a['msg_list'] as Array<{ text: { content: string } }>).map((m) => m.text.content);
    expect(texts(first)).toEqual(['一', '二']);
    const second = await api('kf/sync_msg', { cursor: first['next_cursor'], limit: 2 });
    expect(second).toMatchObject({ has_more: 0 });
    expect(texts(second)).toEqual(['三']);
    const idle = await api('kf/sync_msg', { cursor: second['next_cursor'] });
    expect(texts(idle)).toEqual([]);
    await sandbox.simulate.customerMessage({ external_userid: 'wm-lina', text: '四' });
    expect(texts(await api('kf/sync_msg', { cursor: idle['next_cursor'] }))).toEqual(['四']);
    // Without a cursor, everything readable comes back from the start.
    expect(texts(await api('kf/sync_msg', {}))).toEqual(['一', '二', '三', '四']);
  });

  it('accepts the callback Token for 10 minutes and rejects bad limits', async () => {
    const { token: syncToken, message } = await sandbox.simulate.customerMessage({ external_userid: 'wm-lina', text: '在吗' });
    expect(message).toMatchObject({ origin: 3, open_kfid: expect.stringMatching(/^wk/) });
    expect((await api('kf/sync_msg', { token: syncToken })).errcode).toBe(0);
    now += 10 * 60_000;
    expect((await api('kf/sync_msg', { token: syncToken })).errcode).toBe(95007);
    expect((await api('kf/sync_msg', { limit: 1001 })).errcode).toBe(40058);
  });
});

describe('kf/send_msg', () => {
  it('allows 5 replies within 48 h of the customer message, then 95001; after 48 h 95002', async () => {
    const { message } = await sandbox.simulate.customerMessage({ external_userid: 'wm-lina', text: '多少钱？' });
    const reply = { touser: 'wm-lina', open_kfid: message.open_kfid, msgtype: 'text', text: { content: '199 元' } };
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await api('kf/send_msg', reply)).errcode);
    }
    expect(codes).toEqual([0, 0, 0, 0, 0, 95001]);
    expect(sandbox.state.kfSent).toHaveLength(5);
    now += 48 * 3600_000 + 1000;
    token = await fetchToken(sandbox.url); // the old one expired meanwhile
    expect((await api('kf/send_msg', reply)).errcode).toBe(95002);
    expect((await api('kf/send_msg', { ...reply, open_kfid: 'wk-nope' })).errcode).toBe(95000);
  });
});

describe('message/send', () => {
  it('delivers to known members, reports unknown ones, and refuses a wrong agentid', async () => {
    const body = { touser: 'zhangwei|ghost', msgtype: 'text', agentid: SANDBOX_CREDENTIALS.agentId, text: { content: '今日跟进 3 位客户' } };
    const answer = await api('message/send', body);
    expect(answer).toMatchObject({ errcode: 0, invaliduser: 'ghost', msgid: expect.any(String) });
    expect(sandbox.state.appMessages).toHaveLength(1);
    expect(sandbox.state.appMessages[0]!.touser).toEqual(['zhangwei']);
    expect((await api('message/send', { ...body, touser: 'ghost' })).errcode).toBe(81013);
    expect((await api('message/send', { ...body, agentid: 1 })).errcode).toBe(40056);
  });
});

describe('mass messages', () => {
  it('creates a task, lists non-friends in fail_list, and reports per-customer status', async () => {
    const created = await api('externalcontact/add_msg_template', {
      external_userid: ['wm-lina', 'wm-wangfang'],
      sender: 'zhangwei',
      text: { content: '新品上市' },
    });
    expect(created).toMatchObject({ errcode: 0, fail_list: ['wm-wangfang'], msgid: expect.stringMatching(/^msg/) });
    const result = () => api('externalcontact/get_groupmsg_send_result', { msgid: created['msgid'], userid: 'zhangwei' });
    expect((await result())['send_list']).toEqual([{ external_userid: 'wm-lina', userid: 'zhangwei', status: 0 }]);
    sandbox.simulate.confirmGroupMsg({ msgid: created['msgid'] as string });
    expect((await result())['send_list']).toEqual([{ external_userid: 'wm-lina', userid: 'zhangwei', status: 1, send_time: Math.floor(now / 1000) }]);
    const nobody = await api('externalcontact/add_msg_template', { external_userid: ['wm-wangfang'], text: { content: 'x' } });
    expect(nobody.errcode).toBe(41048);
  });

  it('a recipient who is no longer a friend when the rep confirms gets status 2, without send_time', async () => {
    const zhao = (await sandbox.simulate.addContact({ userid: 'zhangwei', name: '赵敏' })).contact.external_userid;
    const created = await api('externalcontact/add_msg_template', { external_userid: ['wm-lina', zhao], sender: 'zhangwei', text: { content: '新品上市' } });
    await sandbox.simulate.customerDeletesRep({ userid: 'zhangwei', external_userid: 'wm-lina' });
    now += 3_600_000;
    expect(sandbox.simulate.confirmGroupMsg({ msgid: created['msgid'] as string })).toEqual({ confirmed: 1, notFriends: 1, capped: 0 });
    const result = await api('externalcontact/get_groupmsg_send_result', { msgid: created['msgid'], userid: 'zhangwei' });
    expect(result['send_list']).toEqual([
      { external_userid: 'wm-lina', userid: 'zhangwei', status: 2 },
      { external_userid: zhao, userid: 'zhangwei', status: 1, send_time: Math.floor(now / 1000) },
    ]);
  });
});
