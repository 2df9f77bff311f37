import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { TEST_TIERS_FILE } from '../helpers/tier-rules.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** `npm run sync` and `npm run import` beside a running Fenji in sandbox mode. */
describe('npm run sync / npm run import', () => {
  let fenji: FenjiProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: uniquePrefix('cli'), FENJI_TIERS_FILE: TEST_TIERS_FILE };
    fenji = await startFenji({ env });
    env = { ...env, SANDBOX_PORT: new URL(fenji.sandboxUrl).port, DATA_DIR: fenji.dataDir };
    const contacts = Array.from({ length: 150 }, (_, i) => ({ external_userid: `wmCli${i}`, name: `客户${i}`, follow: i % 10 === 0 ? ['zhangwei', 'lina'] : ['zhangwei'] }));
    const seeded = await fetch(`${fenji.sandboxUrl}/_sandbox/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reps: [{ userid: 'zhangwei', name: '张伟' }, { userid: 'lina', name: '李娜' }], contacts }),
    });
    expect(seeded.status).toBe(200);
  });

  afterAll(async () => {
    await fenji?.stop();
  });

  function run(script: string, args: string[] = [], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
  }

  it('syncs every customer from the sandbox, then imports a sheet, refusing a broken one as a whole', async () => {
    const sync = await run('src/cli/sync.ts');
    expect(sync.code, sync.output).toBe(0);
    expect(sync.output).toContain('✓ 完成 done: 客户 contacts 150 · 关系 relations 165');

    const bad = path.join(fenji.dataDir, 'bad.csv');
    writeFileSync(bad, '\uFEFF客户ID,生日,备注\nwmCli1,农历08-15,"两行\n备注"\nwmCli2,1990-13-01,\n');
    const refused = await run('src/cli/import.ts', [bad]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('第 3 行 row 3 · 生日 birthday: 月份 13 无效 / month 13 is not 1–12');
    expect(refused.output.trim().split('\n').at(-1)).toMatch(/^✗ /);

    const good = path.join(fenji.dataDir, 'good.csv');
    writeFileSync(good, '\uFEFF客户ID,生日,备注\nwmCli1,农历08-15,"两行\n备注"\n');
    const imported = await run('src/cli/import.ts', [good]);
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toContain('✓ 已导入 imported 1');
  });

  it('fails with one line when the sandbox is not there', async () => {
    const result = await run('src/cli/sync.ts', [], { SANDBOX_PORT: '1' });
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toHaveLength(1);
    expect(result.output).toContain('✗ 沙箱无法连接 sandbox not reachable');
  });
});
