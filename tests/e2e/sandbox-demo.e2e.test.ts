import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { connectTestRedis, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A newcomer's first run: `npm start`, then `npm run sandbox -- demo` in a second terminal. */
describe('npm run sandbox -- demo', () => {
  let fenji: FenjiProcess;
  let redis: Redis;
  beforeAll(async () => {
    // As after an earlier run: Redis still holds that run's sandbox corp's token and tag ids.
    const prefix = uniquePrefix('demo');
    redis = connectTestRedis();
    const keys = new RedisKeys(prefix);
    await redis.set(keys.wecomToken(SANDBOX_CREDENTIALS.corpId, SANDBOX_CREDENTIALS.agentId), JSON.stringify({ token: 'stale', expiresAt: Date.now() + 3_600_000 }));
    await redis.set(keys.tierTags(), JSON.stringify({ groupId: 'etStaleGroup', tags: { A: 'etStaleA', B: 'etStaleB', C: 'etStaleC', D: 'etStaleD' } }));
    fenji = await startFenji({ env: { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } });
  });
  afterAll(async () => {
    await fenji?.stop();
    redis?.disconnect();
  });

  it('plays a rep adding two customers and one writing, and Fenji processes each event', async () => {
    const demo = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', 'demo'], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', SANDBOX_URL: fenji.sandboxUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('李娜');
    expect(output).toContain('王芳');

    await fenji.waitForLog((l) => l['msg'] === 'callback event processed' && l['kind'] === 'kf_msg_or_event');
    // The worker reads each added contact from the sandbox, so adds may finish after the kf event.
    const processedAdds = () => fenji.logs.filter((l) => l['msg'] === 'callback event processed' && l['changeType'] === 'add_external_contact');
    await fenji.waitForLog(() => processedAdds().length >= 2);
    const adds = processedAdds();
    expect(adds).toHaveLength(2);
    expect(adds.every((l) => l['outcome'] === 'stored')).toBe(true);
    // The kf callback carries no text: the worker pulled the customer's message through kf/sync_msg.
    await fenji.waitForLog((l) => l['msg'] === 'kf messages synced' && l['added'] === 1);
    expect(adds.every((l) => l['userId'] === 'zhangwei')).toBe(true);

    // Tier tags land at the first try: nothing of the earlier run's corp was used.
    await fenji.waitForLog(() => fenji.logs.filter((l) => l['msg'] === 'tier tag mirrored to WeCom').length >= 2);
    expect(fenji.logs.filter((l) => l['msg'] === 'job failed, will retry' || l['msg'] === 'wecom access_token rejected by WeCom')).toEqual([]);
  });
});
