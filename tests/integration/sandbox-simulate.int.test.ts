import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { openCallback, startCallbackReceiver, type CallbackReceiver } from '../../src/sandbox/callback-receiver.ts';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import type { DeliveryResult } from '../../src/sandbox/sender.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import type { StateSnapshot } from '../../src/sandbox/snapshot.ts';
import { parseEvent, type WeComEvent } from '../../src/wecom/events.ts';

// The control API's simulate actions: state changes plus callbacks Fenji's parser accepts.

let sandbox: Sandbox;
let receiver: CallbackReceiver;

beforeEach(async () => {
  receiver = await startCallbackReceiver();
  sandbox = await startSandbox({ callbackUrl: receiver.url, sender: { timeoutMs: 5000, retryDelaysMs: [10] } });
  await callControl(sandbox.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }], tagGroups: [{ group_name: '等级', tags: ['A'] }] });
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

type Simulated = { delivery: DeliveryResult | null } & Record<string, unknown>;
const simulate = (action: string, body: unknown) => callControl<Simulated>(sandbox.url, 'POST', `simulate/${action}`, body);

/** Decrypts callback n with src/wecom and parses it with Fenji's event parser. */
async function callbackEvent(n: number): Promise<WeComEvent> {
  const request = (await receiver.waitFor(n + 1))[n]!;
  const opened = openCallback(request);
  expect(opened).toMatchObject({ signatureValid: true, receiveId: SANDBOX_CREDENTIALS.corpId, toUserName: SANDBOX_CREDENTIALS.corpId });
  return parseEvent(opened.xml).event;
}

describe('simulate/add-contact', () => {
  it('creates contact, relation and welcome code, and delivers a decryptable add_external_contact', async () => {
    const res = await simulate('add-contact', { userid: 'zhangwei', name: '李娜', state: 'poster-1' });
    expect(res.status).toBe(200);
    expect(res.body.delivery).toMatchObject({ ok: true, attempts: 1, status: 200 });
    const externalUserId = (res.body['contact'] as { external_userid: string }).external_userid;
    expect(externalUserId).toMatch(/^wm/);
    const event = await callbackEvent(0);
    expect(event).toMatchObject({
      kind: 'external_contact',
      changeType: 'add_external_contact',
      fromUserName: 'sys',
      userId: 'zhangwei',
      externalUserId,
      state: 'poster-1',
      welcomeCode: res.body['welcome_code'],
    });
    const token = await fetchToken(sandbox.url);
    const got = await callWeCom(sandbox.url, 'externalcontact/get', { token, query: { external_userid: externalUserId } });
    expect(got).toMatchObject({ errcode: 0, external_contact: { name: '李娜' }, follow_user: [{ userid: 'zhangwei', state: 'poster-1' }] });
  });

  it('answers 400 for a missing field and 404 for an unknown rep', async () => {
    expect((await simulate('add-contact', { userid: 'zhangwei' })).status).toBe(400);
    expect((await simulate('add-contact', { userid: 'ghost', name: '某人' })).status).toBe(404);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('other simulate actions', () => {
  async function addLina(): Promise<string> {
    const res = await simulate('add-contact', { userid: 'zhangwei', name: '李娜', external_userid: 'wm-lina' });
    await receiver.waitFor(1);
    return (res.body['contact'] as { external_userid: string }).external_userid;
  }

  it('customer-message adds a kf message and sends a Token that unlocks sync_msg', async () => {
    const res = await simulate('customer-message', { external_userid: 'wm-lina', text: '你好，请问这个产品多少钱？' });
    expect(res.body.delivery?.ok).toBe(true);
    const event = await callbackEvent(0);
    expect(event.kind).toBe('kf_msg_or_event');
    const { token: syncToken, openKfId } = event as Extract<WeComEvent, { kind: 'kf_msg_or_event' }>;
    const token = await fetchToken(sandbox.url);
    const synced = await callWeCom(sandbox.url, 'kf/sync_msg', { token, body: { token: syncToken, open_kfid: openKfId } });
    expect(synced).toMatchObject({ errcode: 0, msg_list: [{ external_userid: 'wm-lina', origin: 3, text: { content: '你好，请问这个产品多少钱？' } }] });
  });

  it('member-message sends an app text message with a numeric MsgId', async () => {
    const res = await simulate('member-message', { userid: 'zhangwei', text: '帮我看看 ]]> 今天的客户' });
    const event = await callbackEvent(0);
    expect(event).toMatchObject({ kind: 'app_message', msgType: 'text', fromUserName: 'zhangwei', content: '帮我看看 ]]> 今天的客户', msgId: res.body['msgid'] });
    expect((event as { msgId: string }).msgId).toMatch(/^\d{19}$/);
    expect(event.agentId).toBe(String(SANDBOX_CREDENTIALS.agentId));
  });

  it('delete-contact removes the relation (mark_tag then answers 84061) and sends del_external_contact', async () => {
    await addLina();
    await simulate('delete-contact', { userid: 'zhangwei', external_userid: 'wm-lina' });
    expect(await callbackEvent(1)).toMatchObject({ changeType: 'del_external_contact', externalUserId: 'wm-lina' });
    const tagId = sandbox.state.tagGroups[0]!.tags[0]!.id;
    const token = await fetchToken(sandbox.url);
    const marked = await callWeCom(sandbox.url, 'externalcontact/mark_tag', { token, body: { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: [tagId] } });
    expect(marked.errcode).toBe(84061);
    expect((await simulate('delete-contact', { userid: 'zhangwei', external_userid: 'wm-lina' })).status).toBe(404);
  });

  it('customer-deletes-rep keeps a one-way relation and sends del_follow_user', async () => {
    await addLina();
    await simulate('customer-deletes-rep', { userid: 'zhangwei', external_userid: 'wm-lina' });
    expect(await callbackEvent(1)).toMatchObject({ changeType: 'del_follow_user', userId: 'zhangwei' });
    expect(sandbox.state.relation('zhangwei', 'wm-lina')?.deleted_by_customer).toBe(true);
  });

  it('edit-tags changes tags by name and sends edit_external_contact', async () => {
    await addLina();
    const res = await simulate('edit-tags', { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: ['A'], remark: '意向强' });
    expect(res.status).toBe(200);
    expect(await callbackEvent(1)).toMatchObject({ changeType: 'edit_external_contact', externalUserId: 'wm-lina' });
    const { body: state } = await callControl<StateSnapshot>(sandbox.url, 'GET', 'state');
    expect(state.relations[0]).toMatchObject({ remark: '意向强', tag_ids: [sandbox.state.tagGroups[0]!.tags[0]!.id] });
    expect((await simulate('edit-tags', { userid: 'zhangwei', external_userid: 'wm-lina', add_tag: ['nope'] })).status).toBe(400);
  });
});

describe('callback URL', () => {
  it('changes state without delivering when no URL is set, and delivers once one is set', async () => {
    await callControl(sandbox.url, 'POST', 'callback-url', { url: '' });
    const silent = await simulate('add-contact', { userid: 'zhangwei', name: '王芳' });
    expect(silent.body.delivery).toBeNull();
    expect(sandbox.state.contacts.size).toBe(1);
    await callControl(sandbox.url, 'POST', 'callback-url', { url: receiver.url });
    expect((await simulate('add-contact', { userid: 'zhangwei', name: '赵敏' })).body.delivery?.ok).toBe(true);
    expect(receiver.requests).toHaveLength(1);
    const verified = await callControl<{ ok: boolean }>(sandbox.url, 'POST', 'verify-url', {});
    expect(verified.body.ok).toBe(true);
  });
});
