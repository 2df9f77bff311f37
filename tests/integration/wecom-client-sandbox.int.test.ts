import pino from 'pino';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { WeComRateLimitedError } from '../../src/wecom/api-errors.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

// Our client against our sandbox: the two must agree on WeCom's protocol, so a drift in
// either (token handling, errcodes, concurrency) shows up here.
describe('WeComClient against the WeCom sandbox', () => {
  let sandbox: Sandbox;
  let redis: Redis;
  let prefix: string;
  let api: WeComApi;

  beforeEach(async () => {
    sandbox = await startSandbox({ tokenTtlSeconds: 7200 });
    sandbox.state.seed({
      reps: [{ userid: 'zhangwei', name: '张伟' }],
      contacts: Array.from({ length: 12 }, (_, i) => ({ external_userid: `wmClient${i}`, name: `客户${i}`, follow: ['zhangwei'] })),
      tagGroups: [{ group_name: '客户分级', tags: ['A 成交', 'B 种子'] }],
    });
    redis = connectTestRedis();
    prefix = uniquePrefix('sbx');
    const client = new WeComClient({
      apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret,
      redis, keys: new RedisKeys(prefix), log: pino({ level: 'silent' }), sleep: async () => undefined,
    });
    api = new HttpWeComApi(client);
  });
  afterEach(async () => {
    await sandbox.close();
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('gets one token and reads customers in pages', async () => {
    const page = await api.batchGetByUser({ userid_list: ['zhangwei'], limit: 5 });
    expect(page.external_contact_list).toHaveLength(5);
    expect(page.next_cursor).not.toBe('');
    expect(sandbox.calls.count('/cgi-bin/gettoken')).toBe(1);
  });

  it('recovers from an expired token (42001) with one refresh and one retry', async () => {
    await api.getFollowUserList();
    sandbox.faults.failNext(1, 42001, { path: 'externalcontact/get_follow_user_list' });
    expect(await api.getFollowUserList()).toEqual(['zhangwei']);
    expect(sandbox.calls.count('/cgi-bin/gettoken')).toBe(2);
    expect(sandbox.calls.count('/cgi-bin/externalcontact/get_follow_user_list')).toBe(3);
  });

  it('meets the 5-concurrent mark_tag limit as a typed rate-limit error', async () => {
    const [group] = await api.getCorpTagList();
    const tagId = group!.tag[0]!.id;
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => api.markTag({ userid: 'zhangwei', external_userid: `wmClient${i}`, add_tag: [tagId] })),
    );
    const limited = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(WeComRateLimitedError);
      expect(((r as PromiseRejectedResult).reason as WeComRateLimitedError).kind).toBe('concurrency');
    }
  });
});
