import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeComTransportError } from '../../src/wecom/api-errors.ts';
import { AGENT_ID, CORP_ID, GETTOKEN, fakeClock, startHarness, type Harness } from './wecom-client.fake.ts';

// access_token caching and single-flight refresh across "processes" (several clients,
// each with its own Redis connection), against a real Redis and a fake WeCom.
const API = '/cgi-bin/user/get';

describe('WeComClient access_token', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('caches the token in Redis with a safety margin and a second instance reuses it', async () => {
    await h.client().request('GET', API, { query: { userid: 'u1' } });
    await h.client().request('GET', API, { query: { userid: 'u2' } });

    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(1);
    const used = h.fake.callsTo(API).map((c) => c.query.get('access_token'));
    expect(used).toEqual(['tok-1', 'tok-1']);
    const key = h.keys.wecomToken(CORP_ID, AGENT_ID);
    const cached = JSON.parse((await h.redis.get(key)) ?? 'null') as { token: string; expiresAt: number };
    expect(cached.token).toBe('tok-1');
    // Expiry is stored, and the key vanishes 5 min before WeCom would expire the token.
    expect(cached.expiresAt).toBeGreaterThan(Date.now() + 7100_000);
    const ttl = await h.redis.pttl(key);
    expect(ttl).toBeGreaterThan(6800_000);
    expect(ttl).toBeLessThanOrEqual(6900_000);
  });

  it('makes exactly one gettoken for 30 concurrent requests across 3 instances, one more after expiry', async () => {
    h.fake.tokenDelayMs = 150; // long enough for every caller to miss the cache
    const clock = fakeClock();
    const clients = [h.client({ clock }), h.client({ clock }), h.client({ clock })];
    const burst = (): Promise<unknown[]> =>
      Promise.all(Array.from({ length: 30 }, (_, i) => clients[i % 3]!.request('GET', API)));

    await burst();
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(1);
    expect(new Set(h.fake.callsTo(API).map((c) => c.query.get('access_token')))).toEqual(new Set(['tok-1']));

    // Just before the safety margin: still cached.
    clock.advance((7200 - 300) * 1000 - 1);
    await burst();
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(1);

    // Inside the margin: stale, so exactly one refresh for everybody.
    clock.advance(1);
    await burst();
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
    expect(h.fake.callsTo(API).slice(60).every((c) => c.query.get('access_token') === 'tok-2')).toBe(true);
  });

  it('caps the safety margin at half the lifetime of short-lived tokens', async () => {
    h.fake.expiresIn = 60; // margin = min(5 min, 30 s)
    const clock = fakeClock();
    const client = h.client({ clock });
    await client.request('GET', API);
    clock.advance(29_999);
    await client.request('GET', API);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(1);
    clock.advance(1);
    await client.request('GET', API);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
  });

  it('invalidate is compare-and-delete: a stale report does not wipe a newer token', async () => {
    const a = h.client();
    const b = h.client();
    const key = h.keys.wecomToken(CORP_ID, AGENT_ID);
    const first = await a.tokens.getToken();
    await a.tokens.invalidate(first);
    expect(await h.redis.get(key)).toBeNull();

    const second = await b.tokens.getToken();
    expect(second).not.toBe(first);
    // A slow process reports the old token as bad after the refresh: the new one stays.
    await a.tokens.invalidate(first);
    expect(JSON.parse((await h.redis.get(key)) ?? '{}')).toMatchObject({ token: second });
    expect(await a.tokens.getToken()).toBe(second);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);

    await a.tokens.invalidate(second);
    expect(await h.redis.get(key)).toBeNull();
  });

  it('waiters take over when the lock holder fails, instead of giving up', async () => {
    h.fake.queue(GETTOKEN, { status: 502, raw: 'Bad Gateway', delayMs: 150 });
    const clients = [h.client(), h.client(), h.client()];
    const results = await Promise.allSettled(clients.map((c) => c.request('GET', API)));

    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(WeComTransportError);
    // One failed gettoken, then exactly one successful one shared by the two waiters.
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(2);
    expect(h.fake.callsTo(API).map((c) => c.query.get('access_token'))).toEqual(['tok-1', 'tok-1']);
  });

  it('waiters give up after peerWaitMs while another process holds the lock', async () => {
    await h.redis.set(h.keys.wecomTokenLock(CORP_ID, AGENT_ID), 'someone-else', 'PX', 10_000);
    const client = h.client({ token: { peerWaitMs: 300 } });
    const started = Date.now();
    await expect(client.request('GET', API)).rejects.toBeInstanceOf(WeComTransportError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(h.fake.callsTo(GETTOKEN)).toHaveLength(0);
  });
});
