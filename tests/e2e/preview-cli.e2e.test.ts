import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { RedisContactStore } from '../../src/adapters/redis/redis-contact-store.ts';
import { contactRecord, storedTier } from '../helpers/factories.ts';
import { connectTestRedis, deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';
import { snapshotPrefix } from '../helpers/redis-snapshot.ts';
import { TEST_TIERS_FILE } from '../helpers/tier-rules.ts';

const root = path.resolve(import.meta.dirname, '../..');
const T0 = Date.UTC(2026, 0, 5, 2);

/** `npm run preview` as a user runs it: the config from the environment, Redis by REDIS_URL. */
describe('npm run preview', () => {
  let redis: Redis;
  let prefix: string;

  beforeAll(async () => {
    redis = connectTestRedis();
    prefix = uniquePrefix('preview-cli');
    const store = new RedisContactStore({ redis, keys: new RedisKeys(prefix) });
    await store.upsertContact(contactRecord('wmCli1', T0, { name: '王芳', reps: ['zhangwei'] }));
    await store.saveTier('wmCli1', storedTier('B', T0), null);
  });

  afterAll(async () => {
    await deleteByPrefix(redis, prefix);
    redis.disconnect();
  });

  function run(args: string[]): Promise<{ code: number | null; output: string }> {
    const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, FENJI_TIERS_FILE: TEST_TIERS_FILE, FENJI_TIMEZONE: 'Asia/Shanghai' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/preview.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
  }

  it('prints 春节 2027 and who would be greeted, and writes nothing to Redis', async () => {
    const before = await snapshotPrefix(redis, prefix);
    const result = await run(['--date', '2027-02-06']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Fenji 预览 2027-02-06 星期六（Asia/Shanghai）');
    expect(result.output).toContain('节日：春节 · 09:30 发送问候');
    expect(result.output).toContain('  春节：发送 1 人');
    expect(result.output).toContain('    zhangwei · B 类 1 人 · 企业群发「新春快乐！」');
    expect(await snapshotPrefix(redis, prefix)).toEqual(before);
  });

  it('refuses a bad date in one line', async () => {
    const result = await run(['--date', '2027-02-30']);
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toEqual(['✗ 日期无效 --date must be a date as YYYY-MM-DD, got "2027-02-30"']);
  });
});
