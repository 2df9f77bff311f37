import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateSnapshot } from '../../src/sandbox/snapshot.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { connectTestRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { runScript } from '../helpers/run-main.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { testPolicies } from '../helpers/tier-rules.ts';

/** Fenji's stored contacts (their records, not the orders or history keys beside them). */
async function storedContacts(redis: Redis, prefix: string): Promise<string[]> {
  const keys = await redis.keys(`${prefix}:ct:*`);
  return keys.filter((k) => !/:(o|h)$/.test(k)).sort();
}

/**
 * Issue 7 item 15: npm start, the demo, Ctrl-C, npm start again, the demo again. The
 * sandbox keeps its corp under DATA_DIR as Fenji keeps its data in Redis, so the second
 * demo finds the same customers: no duplicates, tier tags land, a sync removes no one.
 */
describe('the demo, a restart, the demo again', () => {
  const prefix = uniquePrefix('restart');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-restart-'));
  const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir };
  let fenji: FenjiProcess;
  let redis: Redis;
  beforeAll(() => {
    redis = connectTestRedis();
  });
  afterAll(async () => {
    await fenji?.stop();
    redis?.disconnect();
  });
  const demo = () => runScript('src/sandbox/cli.ts', ['demo'], { SANDBOX_URL: fenji.sandboxUrl });
  /** Whether each relation's tags in the sandbox are exactly its contact's stored tier tag. */
  async function tagsSettled(): Promise<boolean> {
    const state = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    const names = new Map(state.tagGroups.flatMap((g) => g.tags.map((t) => [t.id, t.name] as const)));
    const store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
    for (const relation of state.relations) {
      const tier = (await store.get(relation.external_userid))?.tier?.tier;
      if (!tier || relation.tag_ids.map((id) => names.get(id)).join() !== testPolicies.tiers.tagNames[tier]) return false;
    }
    return state.relations.length > 0;
  }
  const mirrored = () => fenji.logs.filter((l) => l['msg'] === 'tier tag mirrored to WeCom').length;

  it('first run: a rep, two customers, one question', async () => {
    fenji = await startFenji({ env });
    const first = await demo();
    expect(first.code, first.output).toBe(0);
    await fenji.waitForLog(() => mirrored() >= 2);
    expect(await storedContacts(redis, prefix)).toHaveLength(2);
    // 李娜's question moves her tier after her first tag may have landed: wait until every
    // relation carries its stored tier's tag, so the snapshot below is the settled corp.
    await waitFor(tagsSettled, 'every relation carries its stored tier\'s tag', { timeoutMs: 30_000, intervalMs: 200 });
  });

  it('after a restart the sandbox has the same corp, and the second run adds no one twice', async () => {
    const before = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    await fenji.stop();
    fenji = await startFenji({ env });
    const after = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    expect(after.contacts).toEqual(before.contacts);
    expect(after.relations.map((r) => r.tag_ids)).toEqual(before.relations.map((r) => r.tag_ids));

    const second = await demo();
    expect(second.code, second.output).toBe(0);
    expect(second.output.match(/已存在 already there/g)).toHaveLength(3);
    await fenji.waitForLog((l) => l['msg'] === 'callback event processed' && l['kind'] === 'kf_msg_or_event');
    const state = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    expect(state.contacts.map((c) => c.name).sort()).toEqual(['李娜', '王芳']);
    expect(await storedContacts(redis, prefix)).toHaveLength(2);
    expect(fenji.logs.filter((l) => l['msg'] === 'job failed, will retry' || l['msg'] === 'wecom access_token rejected by WeCom')).toEqual([]);
  });

  it('npm run sync then finds every customer still there (none marked removed)', async () => {
    const sync = await runScript('src/cli/sync.ts', [], { ...env, SANDBOX_PORT: new URL(fenji.sandboxUrl).port });
    expect(sync.code, sync.output).toBe(0);
    expect(sync.output).toContain('客户 contacts 2 · 关系 relations 2');
    expect(sync.output).toContain('标记删除 marked removed 0');
  });

  it('npm run sandbox -- reset refuses while Fenji runs, and touches nothing', async () => {
    const reset = await runScript('src/sandbox/cli.ts', ['reset'], { ...env, PORT: String(fenji.port), SANDBOX_PORT: new URL(fenji.sandboxUrl).port });
    expect(reset.code, reset.output).toBe(1);
    expect(reset.output.trim().split('\n')).toHaveLength(1);
    expect(reset.output).toMatch(/Fenji is running .*stop it first/);
    expect(await storedContacts(redis, prefix)).toHaveLength(2);
  });

  it('with Fenji stopped, it starts both over: the sandbox corp and Fenji\'s data under its key prefix (only)', async () => {
    const { port } = fenji;
    const sandboxPort = new URL(fenji.sandboxUrl).port;
    await fenji.stop();
    const neighbour = `${prefix}-other:keep`;
    await redis.set(neighbour, 'another deployment on the same Redis');
    const reset = await runScript('src/sandbox/cli.ts', ['reset'], { ...env, PORT: String(port), SANDBOX_PORT: sandboxPort });
    expect(reset.code, reset.output).toBe(0);
    expect(reset.output).toMatch(/沙箱.*sandbox.*1 rep.*2 customers/);
    expect(reset.output).toMatch(new RegExp(`Fenji.*\\d+ keys under "${prefix}:"`));
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await redis.get(neighbour)).not.toBeNull();

    fenji = await startFenji({ env });
    const state = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    expect(state).toMatchObject({ reps: [], contacts: [], relations: [], tagGroups: [] });
    const fresh = await demo();
    expect(fresh.code, fresh.output).toBe(0);
    expect(fresh.output).toContain('新建 seeded');
    await fenji.waitForLog(() => mirrored() >= 2);
    expect(fenji.logs.filter((l) => l['msg'] === 'job failed, will retry')).toEqual([]);
    await redis.del(neighbour);
  });

  it('refuses in WeCom mode: it would delete the data of a real corp', async () => {
    const reset = await runScript('src/sandbox/cli.ts', ['reset'], { ...env, WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: 'a'.repeat(43) });
    expect(reset.code, reset.output).toBe(1);
    expect(reset.output).toMatch(/sandbox mode only/);
    expect((await redis.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
  });
});
