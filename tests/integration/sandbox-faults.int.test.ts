import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callControl, callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import type { RecordedCall } from '../../src/sandbox/recorder.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';

// Scripted faults (in-process and through /_sandbox/faults) and the call recorder.

let sandbox: Sandbox;
let token: string;
const LIST = 'externalcontact/get_follow_user_list';

beforeEach(async () => {
  sandbox = await startSandbox();
  token = await fetchToken(sandbox.url);
  sandbox.calls.clear();
});
afterEach(() => sandbox.close());

const list = () => callWeCom(sandbox.url, LIST, { token });

describe('fault injection', () => {
  it('answers the injected errcode for the next N calls, then recovers', async () => {
    sandbox.faults.failNext(2, 42001);
    const codes = [(await list()).errcode, (await list()).errcode, (await list()).errcode];
    expect(codes).toEqual([42001, 42001, 0]);
    expect(sandbox.faults.list()).toEqual([]);
  });

  it('limits a fault to one path and leaves other paths alone', async () => {
    sandbox.faults.failNext(1, -1, { path: 'externalcontact/get_corp_tag_list' });
    expect((await list()).errcode).toBe(0);
    expect((await callWeCom(sandbox.url, 'externalcontact/get_corp_tag_list', { token, body: {} })).errcode).toBe(-1);
    expect((await callWeCom(sandbox.url, 'externalcontact/get_corp_tag_list', { token, body: {} })).errcode).toBe(0);
  });

  it('applies faults before auth, so even gettoken can be made to fail', async () => {
    sandbox.faults.failNext(1, 45009, { path: '/cgi-bin/gettoken' });
    await expect(fetchToken(sandbox.url)).rejects.toThrow(/45009/);
    await expect(fetchToken(sandbox.url)).resolves.toEqual(expect.any(String));
  });

  it('delays the next N calls by the given time', async () => {
    // A delay far above any scheduling hiccup, so a loaded machine cannot blur the two.
    sandbox.faults.delayNext(1, 2000);
    let started = Date.now();
    expect((await list()).errcode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1980);
    started = Date.now();
    await list();
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('drops the connection without an answer', async () => {
    sandbox.faults.dropNext(1);
    await expect(list()).rejects.toThrow();
    expect((await list()).errcode).toBe(0);
    expect(sandbox.calls.list({ path: LIST }).map((c) => c.errcode)).toEqual([null, 0]);
  });

  it('accepts faults over the control API and lists what is pending', async () => {
    const posted = await callControl<{ faults: unknown[] }>(sandbox.url, 'POST', 'faults', {
      faults: [{ kind: 'errcode', errcode: 45033, times: 3, path: 'externalcontact/mark_tag' }, { kind: 'drop' }],
    });
    expect(posted.status).toBe(200);
    expect(posted.body.faults).toEqual([
      { kind: 'errcode', errcode: 45033, times: 3, path: '/cgi-bin/externalcontact/mark_tag' },
      { kind: 'drop', times: 1 },
    ]);
    expect((await callControl(sandbox.url, 'POST', 'faults', { kind: 'explode' })).status).toBe(400);
    expect((await callControl(sandbox.url, 'POST', 'faults', { kind: 'errcode', errcode: 1, times: 0 })).status).toBe(400);
    await callControl(sandbox.url, 'DELETE', 'faults');
    expect(sandbox.faults.list()).toEqual([]);
  });
});

describe('call recorder', () => {
  it('records method, path, query (token included), body and errcode in arrival order', async () => {
    sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: '张伟' }] });
    await list();
    await callWeCom(sandbox.url, 'externalcontact/batch/get_by_user', { token, body: { userid_list: ['zhangwei'] } });
    await callWeCom(sandbox.url, LIST, { token: 'stale' });
    const calls = sandbox.calls.list();
    expect(calls.map((c) => [c.method, c.path, c.errcode])).toEqual([
      ['GET', '/cgi-bin/externalcontact/get_follow_user_list', 0],
      ['POST', '/cgi-bin/externalcontact/batch/get_by_user', 0],
      ['GET', '/cgi-bin/externalcontact/get_follow_user_list', 40014],
    ]);
    expect(calls[0]!.query['access_token']).toBe(token);
    expect(calls[2]!.query['access_token']).toBe('stale');
    expect(calls[1]!.body).toEqual({ userid_list: ['zhangwei'] });
    expect(sandbox.calls.count(LIST)).toBe(2);
    expect(sandbox.calls.list({ errcode: 40014 })).toHaveLength(1);
    expect(sandbox.calls.list((c) => c.method === 'POST')).toHaveLength(1);
    expect(sandbox.calls.clear()).toBe(3);
    expect(sandbox.calls.count()).toBe(0);
  });

  it('serves recorded calls over GET /_sandbox/calls with filters', async () => {
    await list();
    await callWeCom(sandbox.url, LIST, { token: 'stale' });
    const all = await callControl<{ calls: RecordedCall[] }>(sandbox.url, 'GET', 'calls');
    expect(all.body.calls).toHaveLength(2);
    const failed = await callControl<{ calls: RecordedCall[] }>(sandbox.url, 'GET', 'calls?errcode=40014');
    expect(failed.body.calls.map((c) => c.query['access_token'])).toEqual(['stale']);
    await callControl(sandbox.url, 'DELETE', 'calls');
    expect(sandbox.calls.count()).toBe(0);
  });
});
