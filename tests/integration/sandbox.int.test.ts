import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { callWeCom, fetchToken } from '../../src/sandbox/client.ts';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.ts';

// Token lifecycle, auth errors, unknown paths and the per-path rate limit.

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox(options);
  return sandbox;
}

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 0, 5, 9)): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const gettoken = (s: Sandbox, corpid: string, corpsecret: string) =>
  callWeCom(s.url, 'gettoken', { query: { corpid, corpsecret } });

describe('gettoken', () => {
  it('issues a token with expires_in from the configured TTL', async () => {
    const s = await start({ tokenTtlSeconds: 300 });
    const answer = await gettoken(s, SANDBOX_CREDENTIALS.corpId, SANDBOX_CREDENTIALS.secret);
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 300 });
    expect(answer['access_token']).toEqual(expect.any(String));
  });

  it('answers 40001 for a wrong secret and 40013 for a wrong corpid', async () => {
    const s = await start();
    expect((await gettoken(s, SANDBOX_CREDENTIALS.corpId, 'wrong-secret')).errcode).toBe(40001);
    expect((await gettoken(s, 'ww-not-this-corp', SANDBOX_CREDENTIALS.secret)).errcode).toBe(40013);
    expect((await gettoken(s, SANDBOX_CREDENTIALS.corpId, 'wrong-secret'))['access_token']).toBeUndefined();
  });

  it('honours custom credentials', async () => {
    const s = await start({ credentials: { ...SANDBOX_CREDENTIALS, corpId: 'wwother', secret: 's3' } });
    expect((await gettoken(s, SANDBOX_CREDENTIALS.corpId, SANDBOX_CREDENTIALS.secret)).errcode).toBe(40013);
    expect((await gettoken(s, 'wwother', 's3')).errcode).toBe(0);
  });
});

describe('access_token checks', () => {
  it('answers 41001 without a token and 40014 for an unknown one, with HTTP 200', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/cgi-bin/externalcontact/get_follow_user_list`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(41001);
    const unknown = await callWeCom(s.url, 'externalcontact/get_follow_user_list', { token: 'not-a-token' });
    expect(unknown.errcode).toBe(40014);
  });

  it('expires tokens after tokenTtlSeconds (42001) and a fresh token works again', async () => {
    const clock = manualClock();
    const s = await start({ clock, tokenTtlSeconds: 60 });
    const token = await fetchToken(s.url);
    const path = 'externalcontact/get_follow_user_list';
    clock.advance(59_000);
    expect((await callWeCom(s.url, path, { token })).errcode).toBe(0);
    clock.advance(1_000);
    expect((await callWeCom(s.url, path, { token })).errcode).toBe(42001);
    const fresh = await fetchToken(s.url);
    expect(fresh).not.toBe(token);
    expect((await callWeCom(s.url, path, { token: fresh })).errcode).toBe(0);
  });

  it('revoking tokens early turns them into 40014', async () => {
    const s = await start();
    const token = await fetchToken(s.url);
    expect(s.tokens.revokeAll()).toBe(1);
    expect((await callWeCom(s.url, 'externalcontact/get_follow_user_list', { token })).errcode).toBe(40014);
  });
});

describe('unknown paths', () => {
  it('answers errcode 99999 with HTTP 200 for a /cgi-bin path the sandbox does not implement', async () => {
    const s = await start();
    const token = await fetchToken(s.url);
    const res = await fetch(`${s.url}/cgi-bin/externalcontact/no_such_api?access_token=${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ errcode: 99999 });
  });

  it('answers 404 for an unknown control endpoint', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/_sandbox/nope`)).status).toBe(404);
  });
});

describe('rate limit per API path', () => {
  it('answers 45009 past the per-minute limit, per path, until the minute is over', async () => {
    const clock = manualClock();
    const s = await start({ clock, rateLimitPerMinute: 3 });
    const token = await fetchToken(s.url); // one gettoken call: its own bucket
    const list = 'externalcontact/get_follow_user_list';
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await callWeCom(s.url, list, { token })).errcode);
    }
    expect(codes).toEqual([0, 0, 0, 45009]);
    // Another path has its own bucket.
    expect((await callWeCom(s.url, 'externalcontact/get_corp_tag_list', { token, body: {} })).errcode).toBe(0);
    clock.advance(60_000);
    expect((await callWeCom(s.url, list, { token })).errcode).toBe(0);
    expect(s.calls.count(list)).toBe(5);
    expect(s.calls.list({ path: list, errcode: 45009 })).toHaveLength(1);
  });
});
