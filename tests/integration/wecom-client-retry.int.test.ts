import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  WeComApiError,
  WeComConfigurationError,
  WeComRateLimitedError,
} from '../../src/wecom/api-errors.ts';
import { AGENT_ID, CORP_ID, GETTOKEN, startHarness, type Harness } from './wecom-client.fake.ts';

// What the client does with each control-flow errcode (docs/wecom/api.md, 'Errcodes').
const API = '/cgi-bin/externalcontact/get';
const err = (errcode: number, errmsg = 'scripted'): { json: Record<string, unknown> } => ({
  json: { errcode, errmsg },
});

describe('WeComClient errcode handling', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it.each([42001, 40014, 40001])(
    '%i once: drops that token, refetches, retries once and succeeds',
    async (errcode) => {
      const client = h.client();
      await client.tokens.getToken();
      h.fake.queue(API, err(errcode));

      const result = await client.request('GET', API, { query: { external_userid: 'wm1' } });

      expect(result).toMatchObject({ errcode: 0, path: API });
      expect(h.fake.callsTo(API).map((c) => c.query.get('access_token'))).toEqual(['tok-1', 'tok-2']);
      expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
      const cached = JSON.parse((await h.redis.get(h.keys.wecomToken(CORP_ID, AGENT_ID))) ?? '{}');
      expect(cached).toMatchObject({ token: 'tok-2' });
    },
  );

  it('42001 every time: fails after exactly one retry', async () => {
    h.fake.always(API, err(42001, 'access_token expired'));
    const failure = await h.client().request('GET', API).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(WeComApiError);
    expect(failure).toMatchObject({ code: 'wecom_api_error', errcode: 42001, path: API });
    expect(h.fake.callsTo(API)).toHaveLength(2);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
  });

  it('40001 twice on an API call: configuration error after one retry', async () => {
    h.fake.always(API, err(40001, 'invalid credential'));
    const failure = await h.client().request('GET', API).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeComConfigurationError);
    expect(h.fake.callsTo(API)).toHaveLength(2);
  });

  it('45009: WeComRateLimitedError for a minute, no retry', async () => {
    const sleeps: number[] = [];
    h.fake.always(API, err(45009, 'api freq out of limit'));
    const failure = await h
      .client({ sleep: async (ms) => void sleeps.push(ms) })
      .request('GET', API)
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(WeComRateLimitedError);
    expect(failure).toMatchObject({ code: 'wecom_rate_limited', kind: 'frequency', retryAfterMs: 60_000 });
    expect(h.fake.callsTo(API)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('45033: concurrency kind with a short jittered delay, no retry', async () => {
    h.fake.always(API, err(45033, 'api concurrent out of limit'));
    const delays: number[] = [];
    for (const random of [0, 0.999]) {
      const failure = await h.client({ random: () => random }).request('GET', API).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'wecom_rate_limited', kind: 'concurrency', errcode: 45033 });
      delays.push((failure as WeComRateLimitedError).retryAfterMs);
    }
    expect(delays[0]).toBe(500);
    expect(delays[1]).toBeGreaterThan(1400);
    expect(delays[1]).toBeLessThanOrEqual(1500);
    expect(h.fake.callsTo(API)).toHaveLength(2);
  });

  it('-1 twice: succeeds on the third try after growing backoff', async () => {
    const sleeps: number[] = [];
    h.fake.queue(API, err(-1, 'system busy'), err(-1, 'system busy'));
    const client = h.client({ busyBaseDelayMs: 200, sleep: async (ms) => void sleeps.push(ms) });

    await expect(client.request('GET', API)).resolves.toMatchObject({ errcode: 0 });

    expect(h.fake.callsTo(API)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(100);
    expect(sleeps[0]).toBeLessThanOrEqual(200);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThanOrEqual(400);
  });

  it('-1 every time: WeComApiError after busyRetries retries', async () => {
    h.fake.always(API, err(-1, 'system busy'));
    const failure = await h.client({ busyRetries: 3 }).request('GET', API).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(WeComApiError);
    expect(failure).toMatchObject({ errcode: -1 });
    expect(h.fake.callsTo(API)).toHaveLength(4);
  });

  it('60020 on an API call: WeComConfigurationError with the trusted-IP hint', async () => {
    h.fake.always(API, err(60020, 'not allow to access from your ip'));
    const failure = await h.client().request('GET', API).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(WeComConfigurationError);
    expect(failure).toMatchObject({ code: 'wecom_config_error', errcode: 60020, path: API });
    expect((failure as WeComConfigurationError).hint).toContain('企业可信IP');
    expect(h.fake.callsTo(API)).toHaveLength(1);
  });

  it('other errcodes: plain WeComApiError, no retry', async () => {
    h.fake.always(API, err(84061, 'not external contact'));
    const failure = await h.client().request('GET', API).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WeComApiError);
    expect(failure).not.toBeInstanceOf(WeComConfigurationError);
    expect(failure).toMatchObject({ code: 'wecom_api_error', errcode: 84061, errmsg: 'not external contact' });
    expect(h.fake.callsTo(API)).toHaveLength(1);
  });
});
