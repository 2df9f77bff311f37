import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/redis/local-redis-server.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { textMessageXml } from '../../src/wecom/callback-xml.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { expectedJobId, postSealed, sealForSandbox } from '../helpers/post-callback.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { TEST_TIERS_FILE } from '../helpers/tier-rules.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** Runs `tsx src/main.ts` to completion with a given environment (for start-up failures). */
function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root, env: { HOME: process.env['HOME'] ?? '', FENJI_TIERS_FILE: TEST_TIERS_FILE, ...env }, encoding: 'utf8', timeout: 30_000,
  });
}

describe('starting Fenji', () => {
  const running: FenjiProcess[] = [];
  afterEach(async () => {
    for (const f of running.splice(0)) await f.stop();
  });

  it('starts a local redis-server with AOF under DATA_DIR/redis when none answers', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-autostart-'));
    const fenji = await startFenji({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, DATA_DIR: dataDir } });
    running.push(fenji);
    const line = await fenji.waitForLog((l) => String(l['msg']).startsWith('no Redis answered'));
    expect(line['dir']).toBe(path.join(dataDir, 'redis'));
    expect(existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    expect((await fetch(`${fenji.url}/readyz`)).status).toBe(200);
    // Its own Redis is set up as a database: no warning about eviction or AOF.
    expect(fenji.logs.some((l) => String(l['msg']).includes('maxmemory-policy') || String(l['msg']).includes('appendonly'))).toBe(false);
  });

  it('exits with a one-line how-to when there is no Redis and no redis-server binary', async () => {
    const port = await freePort();
    // A PATH holding node and nothing else (node may live next to redis-server in /usr/bin).
    const bin = mkdtempSync(path.join(os.tmpdir(), 'fenji-nobin-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = runMain({ PATH: bin, REDIS_URL: `redis://127.0.0.1:${port}`, DATA_DIR: path.join(bin, 'data') });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/redis-server.*apt-get install redis-server/);
  });

  it('refuses a config typo, naming the variable and why', () => {
    const result = runMain({ PATH: process.env['PATH'] ?? '', WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 'tok', WECOM_ENCODING_AES_KEY: 'a'.repeat(42), PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WECOM_ENCODING_AES_KEY must be 43 characters, got 42');
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).not.toContain('a'.repeat(42));
  });

  it('runs web and worker as separate processes (--role)', async () => {
    const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('roles') };
    const worker = await startFenji({ env, args: ['--role=worker'] });
    running.push(worker);
    const web = await startFenji({ env, args: ['--role=web'] });
    running.push(web);
    const xml = textMessageXml({ corpId: C.corpId, fromUser: 'lisi', content: '报表', msgId: '990001', createTime: Math.floor(Date.now() / 1000), agentId: C.agentId });
    expect(await postSealed(web.url, sealForSandbox(xml))).toBe(200);
    await worker.waitForLog((l) => l['msg'] === 'callback event processed' && l['dedupeKey'] === expectedJobId(xml));
    expect(web.logs.some((l) => l['msg'] === 'callback event processed')).toBe(false);
  });
});
