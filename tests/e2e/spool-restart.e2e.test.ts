import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallbackJobData } from '../../src/jobs/callbacks/job.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

/**
 * Fenji restarts with a large spool (events it answered during a Redis outage, then it
 * died): WeCom's callbacks must be answered at once, not after the replay.
 */
describe('restarting with a spool', () => {
  const running: FenjiProcess[] = [];
  const prefix = uniquePrefix('spool-restart');
  afterEach(async () => {
    for (const f of running.splice(0)) await f.stop();
    const admin = new Redis(testRedisUrl());
    await deleteByPrefix(admin, prefix);
    admin.disconnect();
  });

  it('listens before it replays, then replays every spooled event into the queue', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fenji-spool-restart-'));
    mkdirSync(path.join(dataDir, 'spool'));
    const count = 2000;
    const lines = Array.from({ length: count }, (_, n): CallbackJobData => ({
      dedupeKey: `evt-restart${n}`,
      receivedAt: Date.now(),
      event: { kind: 'unknown', msgType: 'event', toUserName: 'corp', fromUserName: 'sys', createTime: 1 },
    })).map((e) => `${JSON.stringify(e)}\n`);
    writeFileSync(path.join(dataDir, 'spool', 'callbacks.jsonl'), lines.join(''), { mode: 0o600 });

    const web = await startFenji({ env: { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix, DATA_DIR: dataDir }, args: ['--role=web'] });
    running.push(web);
    const replayed = await web.waitForLog((l) => l['msg'] === 'spool replayed into the queue', 60_000);
    expect(replayed['accepted']).toBe(count);
    const order = (msg: string) => web.logs.findIndex((l) => l['msg'] === msg);
    expect(order('fenji listening')).toBeGreaterThanOrEqual(0);
    expect(order('fenji listening')).toBeLessThan(order('spool replayed into the queue'));
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
  });
});
