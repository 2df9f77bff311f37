import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeComConfigurationError, WeComTransportError } from '../../src/wecom/api-errors.ts';
import { CORP_ID, GETTOKEN, SECRET, fakeClock, startHarness, type Harness } from './wecom-client.fake.ts';

// HTTP-level behaviour: where the token goes, timeouts, junk answers, gettoken failures, logs.
const API = '/cgi-bin/externalcontact/mark_tag';

describe('WeComClient transport', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('gets the token with corpid/corpsecret and sends access_token in the query, never the body', async () => {
    const body = { userid: 'zhangsan', external_userid: 'wm1', add_tag: ['et1'] };
    await h.client().request('POST', API, { query: { access_token: 'caller-cannot-override' }, body });

    const [tokenCall] = h.fake.callsTo(GETTOKEN);
    expect(tokenCall?.method).toBe('GET');
    expect(tokenCall?.query.get('corpid')).toBe(CORP_ID);
    expect(tokenCall?.query.get('corpsecret')).toBe(SECRET);
    const [call] = h.fake.callsTo(API);
    expect(call?.method).toBe('POST');
    expect(call?.query.get('access_token')).toBe('tok-1');
    expect(call?.contentType).toBe('application/json');
    expect(JSON.parse(call?.body ?? '')).toEqual(body);
    expect(call?.body).not.toContain('tok-1');
  });

  it('gettoken 40001: configuration error, no token retry, and no new gettoken during the cool-down', async () => {
    h.fake.always(GETTOKEN, { json: { errcode: 40001, errmsg: 'invalid credential' } });
    const clock = fakeClock();
    const client = h.client({ clock });

    const failure = await client.request('POST', API, { body: {} }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeComConfigurationError);
    expect(failure).toMatchObject({ errcode: 40001, path: GETTOKEN });
    expect((failure as WeComConfigurationError).hint).toContain('WECOM_SECRET');
    await expect(client.request('POST', API, { body: {} })).rejects.toBeInstanceOf(WeComConfigurationError);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(1);
    expect(h.fake.callsTo(API)).toHaveLength(0);

    // After the cool-down it tries again (once).
    clock.advance(60_000);
    await expect(client.request('POST', API, { body: {} })).rejects.toBeInstanceOf(WeComConfigurationError);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
  });

  it('times out a slow answer with WeComTransportError', async () => {
    const client = h.client({ timeoutMs: 100 });
    await client.tokens.getToken();
    h.fake.queue(API, { delayMs: 2_000, json: { errcode: 0, errmsg: 'ok' } });

    const started = Date.now();
    const failure = await client.request('POST', API, { body: {} }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(WeComTransportError);
    expect(failure).toMatchObject({ code: 'wecom_unreachable', path: API });
    expect((failure as Error).message).toContain('100 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it.each([
    ['non-JSON', { raw: '<html>proxy error</html>' }],
    ['HTTP 502', { status: 502, json: { errcode: 0, errmsg: 'ok' } }],
    ['JSON without errcode', { json: { hello: 'world' } }],
  ])('%s answer: WeComTransportError', async (_label, reply) => {
    h.fake.queue(API, reply);
    await expect(h.client().request('POST', API, { body: {} })).rejects.toMatchObject({
      code: 'wecom_unreachable',
      path: API,
    });
  });

  it('connection refused: WeComTransportError', async () => {
    const client = h.client({ apiBase: 'http://127.0.0.1:1' });
    await expect(client.request('GET', API)).rejects.toBeInstanceOf(WeComTransportError);
  });

  it('logs { method, path, errcode, ms } at debug, never the token or the secret', async () => {
    h.fake.queue(API, { json: { errcode: 42001, errmsg: 'expired' } });
    await h.client().request('POST', API, { body: { userid: 'u1' } });

    const calls = h.logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['msg'] === 'wecom api call');
    expect(calls.map((c) => [c['level'], c['method'], c['path'], c['errcode']])).toEqual([
      [20, 'GET', GETTOKEN, 0],
      [20, 'POST', API, 42001],
      [20, 'GET', GETTOKEN, 0],
      [20, 'POST', API, 0],
    ]);
    expect(calls.every((c) => typeof c['ms'] === 'number')).toBe(true);
    const all = h.logLines.join('\n');
    expect(all).not.toContain('tok-1');
    expect(all).not.toContain('tok-2');
    expect(all).not.toContain(SECRET);
  });
});
