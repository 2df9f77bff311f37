import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Issue 8 item 9: a configurable add_msg_template quota (45009 beyond it) and a 45009 storm,
// so a campaign can be measured against the quota and shown to survive a storm.

let sandbox: Sandbox;
let token: string;
let now: number;
const ADD = 'externalcontact/add_msg_template';

beforeEach(async () => {
  now = Date.UTC(2026, 8, 25, 1);
  sandbox = await startSandbox({ clock: { now: () => now } });
  token = await fetchToken(sandbox.url);
  await callControl(sandbox.url, 'POST', 'seed', {
    reps: [{ userid: 'zhangwei', name: '张伟' }],
    contacts: [{ name: '李娜', external_userid: 'wm-lina', follow: ['zhangwei'] }],
  });
});
afterEach(() => sandbox.close());

const add = async () => (await callWeCom(sandbox.url, ADD, { token, body: { sender: 'zhangwei', external_userid: ['wm-lina'], text: { content: '中秋快乐' } } })).errcode;
const tags = async () => (await callWeCom(sandbox.url, 'externalcontact/get_corp_tag_list', { token, body: {} })).errcode;

describe('add_msg_template quota', () => {
  it('per second: the quota passes, the next call in the same second gets 45009, the next second is open again', async () => {
    const set = await callControl(sandbox.url, 'POST', 'limits', { path: ADD, limit: 3, per: 'second' });
    expect(set.status).toBe(200);
    expect((await callControl(sandbox.url, 'GET', 'limits')).body).toMatchObject({
      limits: [{ path: '/cgi-bin/externalcontact/add_msg_template', limit: 3, per: 'second' }],
    });
    expect([await add(), await add(), await add(), await add()]).toEqual([0, 0, 0, 45009]);
    // Other paths keep the default limit.
    expect(await tags()).toBe(0);
    now += 1000;
    expect([await add(), await add(), await add(), await add()]).toEqual([0, 0, 0, 45009]);
    const rejected = await callControl<{ calls: unknown[] }>(sandbox.url, 'GET', `calls?path=${ADD}&errcode=45009`);
    expect(rejected.body.calls).toHaveLength(2);
  });

  it('per minute, and DELETE /limits goes back to the start-up limits', async () => {
    await callControl(sandbox.url, 'POST', 'limits', { path: ADD, limit: 2, per: 'minute' });
    expect([await add(), await add(), await add()]).toEqual([0, 0, 45009]);
    now += 30_000;
    expect(await add()).toBe(45009);
    now += 30_000;
    expect(await add()).toBe(0);
    expect((await callControl(sandbox.url, 'DELETE', 'limits')).body).toEqual({ limits: [] });
    expect([await add(), await add(), await add()]).toEqual([0, 0, 0]);
  });

  it('can be set at start-up and rejects a malformed limit with 400', async () => {
    const other = await startSandbox({ clock: { now: () => now }, rateLimits: { [ADD]: { limit: 1, per: 'second' } } });
    try {
      await callControl(other.url, 'POST', 'seed', { reps: [{ userid: 'zhangwei', name: '张伟' }], contacts: [{ name: '李娜', external_userid: 'wm-lina', follow: ['zhangwei'] }] });
      const t = await fetchToken(other.url);
      const call = async () => (await callWeCom(other.url, ADD, { token: t, body: { sender: 'zhangwei', text: { content: 'x' } } })).errcode;
      expect([await call(), await call()]).toEqual([0, 45009]);
    } finally {
      await other.close();
    }
    expect((await callControl(sandbox.url, 'POST', 'limits', { path: ADD, limit: 0, per: 'second' })).status).toBe(400);
    expect((await callControl(sandbox.url, 'POST', 'limits', { path: ADD, limit: 5, per: 'hour' })).status).toBe(400);
  });
});

describe('45009 storm', () => {
  it('answers 45009 on the path for the whole period, whatever the quota, then recovers', async () => {
    const res = await callControl(sandbox.url, 'POST', 'faults', { kind: 'storm', path: ADD, ms: 5000 });
    expect(res.status).toBe(200);
    expect((await callControl(sandbox.url, 'GET', 'faults')).body).toMatchObject({ faults: [{ kind: 'storm', path: '/cgi-bin/externalcontact/add_msg_template', errcode: 45009, ms: 5000 }] });
    const during: number[] = [];
    for (let i = 0; i < 5; i += 1) during.push(await add());
    expect(during).toEqual([45009, 45009, 45009, 45009, 45009]);
    expect(await tags()).toBe(0);
    now += 4999;
    expect(await add()).toBe(45009);
    expect((await callControl(sandbox.url, 'GET', 'faults')).body).toMatchObject({ faults: [{ kind: 'storm', ms: 1 }] });
    now += 1;
    expect(await add()).toBe(0);
    expect((await callControl(sandbox.url, 'GET', 'faults')).body).toEqual({ faults: [] });
    // The storm created nothing: only the call after it made a task.
    expect(sandbox.state.msgTemplates.size).toBe(1);
  });

  it('rejects a storm without a positive duration', async () => {
    expect((await callControl(sandbox.url, 'POST', 'faults', { kind: 'storm', path: ADD })).status).toBe(400);
  });
});
