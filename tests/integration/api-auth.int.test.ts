import { afterEach, describe, expect, it } from 'vitest';
import { API_TOKEN, OTHER_TOKEN, startApiHarness, type ApiHarness } from '../helpers/api-app.ts';

describe('HTTP API: bearer auth and JSON errors (real Redis)', () => {
  let api: ApiHarness | undefined;

  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('answers 401 unauthorized without a token, with a wrong token, or with a lookalike of the same length', async () => {
    api = await startApiHarness();
    await api.seedContact('c1');
    const lookalike = `${API_TOKEN.slice(0, -1)}${API_TOKEN.endsWith('z') ? 'y' : 'z'}`;
    for (const token of [null, 'wrong', lookalike, API_TOKEN.toUpperCase()]) {
      const res = await api.call('GET', '/api/contacts/c1', { token });
      expect(res.status, `token ${token}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="fenji"');
    }
    expect((await api.call('GET', '/api/contacts/c1', { headers: { authorization: `Basic ${API_TOKEN}` }, token: null })).status).toBe(401);
  });

  it('takes every configured token, and records its name as the actor of an override', async () => {
    api = await startApiHarness();
    await api.seedContact('c1');
    expect((await api.call('GET', '/api/contacts/c1')).status).toBe(200);
    const res = await api.call('PUT', '/api/contacts/c1/tier-override', { token: OTHER_TOKEN, body: { tier: 'B', reason: '展会重点客户' } });
    expect(res.status).toBe(200);
    expect(res.body.tier.override.by).toBe('crm');
    expect((await api.store.get('c1'))?.override?.by).toBe('crm');
  });

  it('answers 503 api_disabled when no tokens are configured, and still serves the OpenAPI document', async () => {
    api = await startApiHarness({ tokens: [] });
    await api.seedContact('c1');
    const res = await api.call('GET', '/api/contacts/c1');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({ code: 'api_disabled', message: expect.stringContaining('FENJI_API_TOKENS') });
    const write = await api.call('POST', '/api/orders', { body: { order_id: 'o1', external_userid: 'c1', amount: 1 } });
    expect(write.status).toBe(503);
    expect((await api.store.get('c1'))?.orders.count).toBe(0);
    expect((await api.call('GET', '/api/openapi.json', { token: null })).status).toBe(200);
  });

  it('answers unknown /api paths and methods with JSON errors, and leaves other paths alone', async () => {
    api = await startApiHarness();
    const unknown = await api.call('GET', '/api/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const method = await api.call('DELETE', '/api/orders');
    expect(method.status).toBe(405);
    expect(method.body.error.code).toBe('method_not_allowed');
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('HTTP API: secrets and text stay out of the log', () => {
  it('logs failures with their code and client, never a token or message text', async () => {
    const api = await startApiHarness();
    try {
      await api.seedContact('c1');
      await api.call('GET', '/api/contacts/c1', { token: `${API_TOKEN}-wrong` });
      await api.call('POST', '/api/interactions', { body: { id: 'i1', external_userid: 'c1', direction: 'inbound', channel: 'message', at: Date.UTC(2025, 10, 19), text: '我的手机号 13800000000' } });
      await api.call('POST', '/api/interactions', { body: { id: 'i2', external_userid: 'nobody', direction: 'inbound', channel: 'message', at: Date.UTC(2025, 10, 19), text: '报价单发我' } });
      const text = api.logs.join('\n');
      expect(text).toContain('"code":"unauthorized"');
      expect(text).toContain('"code":"contact_not_found"');
      expect(text).toContain('"client":"erp"');
      for (const secret of [API_TOKEN, OTHER_TOKEN, '13800000000', '报价单']) expect(text).not.toContain(secret);
    } finally {
      await api.close();
    }
  });
});
