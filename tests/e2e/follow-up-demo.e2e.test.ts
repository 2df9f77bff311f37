import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import type { StateSnapshot } from '../../src/sandbox/snapshot.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { runScript } from '../helpers/run-main.ts';
import { testPolicies } from '../helpers/tier-rules.ts';

/**
 * Issue 7 item 16: the follow-up push, Fenji's main feature, played in a minute instead of
 * a week: `npm run sandbox -- demo followups` beside a running Fenji in sandbox mode.
 */
describe('npm run sandbox -- demo followups', () => {
  const prefix = uniquePrefix('fudemo');
  let fenji: FenjiProcess;
  let env: Record<string, string>;
  let redis: Redis;
  beforeAll(async () => {
    env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
    fenji = await startFenji({ env });
    env = { ...env, DATA_DIR: fenji.dataDir, PORT: String(fenji.port), SANDBOX_PORT: new URL(fenji.sandboxUrl).port, SANDBOX_URL: fenji.sandboxUrl };
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await fenji?.stop();
    redis?.disconnect();
  });

  it('makes the demo customers due, creates the tasks, confirms them as the rep, and shows who got what and how Fenji recorded it', async () => {
    // The first story finds Fenji's sandbox from .env, as npm start did (no SANDBOX_URL).
    const envFile = path.join(fenji.dataDir, 'demo.env');
    writeFileSync(envFile, `SANDBOX_PORT=${env['SANDBOX_PORT']}\n`);
    const first = await runScript('src/sandbox/cli.ts', ['demo'], { FENJI_ENV_FILE: envFile });
    expect(first.code, first.output).toBe(0);
    await fenji.waitForLog((l) => l['msg'] === 'kf messages synced' && l['added'] === 1);

    const story = await runScript('src/sandbox/cli.ts', ['demo', 'followups'], env);
    expect(story.code, story.output).toBe(0);
    const state = await (await fetch(`${fenji.sandboxUrl}/_sandbox/state`)).json() as StateSnapshot;
    // One task per tier from 张伟: 李娜 asked the price (B), 王芳 was only added (C).
    expect(state.msgTemplates.map((t) => t.sender)).toEqual(['zhangwei', 'zhangwei']);
    const recipients = state.msgTemplates.flatMap((t) => t.recipients);
    expect(recipients.map((r) => r.status)).toEqual([1, 1]);

    const store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
    for (const [name, tier] of [['李娜', 'B'], ['王芳', 'C']] as const) {
      const contact = state.contacts.find((c) => c.name === name)!;
      const record = (await store.get(contact.external_userid))!;
      const sent = recipients.find((r) => r.external_userid === contact.external_userid)!;
      expect(record.tier?.tier).toBe(tier);
      // Recorded at the time WeCom says the customer got it (send_time), not at planning time.
      expect(record.engagement.pushes).toEqual([sent.send_time! * 1000]);
      expect(story.output).toMatch(new RegExp(`${name}.*${tier} `));
    }
    expect(story.output).toContain('推送已记录 push recorded');
    expect(story.output).toContain(testPolicies.followUps.tiers.B.text);
    // Fenji's own schedule runs on: the demo queued nothing on its outreach queues.
    expect(fenji.logs.filter((l) => l['msg'] === 'outreach task done')).toEqual([]);
  });

  it('refuses in WeCom mode, in one line', async () => {
    const run = await runScript('src/sandbox/cli.ts', ['demo', 'followups'], { ...env, WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: 'a'.repeat(43) });
    expect(run.code).toBe(1);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(run.output).toMatch(/sandbox mode only/);
  });
});
