import pino from 'pino';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisBotOutbox } from '../../src/adapters/redis/bot-state.ts';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { sendAnswer, type SendAnswerDeps } from '../../src/jobs/bot/send-answer.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { fakeClock, type FakeClock } from '../helpers/in-process-fenji.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

// A long answer (about 45 parts) to one member: every part within 2048 bytes, cut between
// characters, numbered, and none lost to WeCom's 30-a-minute per member (the sandbox drops
// what WeCom would). The budget makes the sender wait; the fake clock stands for the minute.

interface View { messages: { content: string; truncated: boolean }[]; dropped: unknown[] }

let sandbox: Sandbox;
let redis: Redis;
let prefix: string;
let clock: FakeClock;
let deps: SendAnswerDeps;

beforeEach(async () => {
  clock = fakeClock(Date.now());
  sandbox = await startSandbox({ clock });
  sandbox.state.seed({ reps: [{ userid: 'zhangwei', name: '张伟' }] });
  redis = connectTestRedis();
  prefix = uniquePrefix('bot-send');
  const keys = new RedisKeys(prefix);
  const client = new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys, clock, log: pino({ level: 'silent' }) });
  deps = { outbox: new RedisBotOutbox(redis, keys), api: new HttpWeComApi(client), clock };
});
afterEach(async () => {
  await sandbox.close();
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
});

async function view(): Promise<View> {
  return (await (await fetch(`${sandbox.url}/_sandbox/app-messages?userid=zhangwei`)).json()) as View;
}

describe('sendAnswer', () => {
  it('splits a long answer without breaking a character and keeps under the per-member limit, resuming where it stopped', async () => {
    const line = (i: number) => `${i}. 客户😀张三${'分级'.repeat(20)}👨‍👩‍👧‍👦`;
    const text = Array.from({ length: 600 }, (_, i) => line(i + 1)).join('\n');
    let outcome = await sendAnswer('job-1', 'zhangwei', text, deps);
    const rounds = [outcome];
    while (!outcome.done) {
      expect(outcome.waitMs).toBeGreaterThan(0);
      clock.advance(outcome.waitMs);
      // A resumed job passes no text: the stored parts are sent.
      outcome = await sendAnswer('job-1', 'zhangwei', '', deps);
      rounds.push(outcome);
    }
    expect(rounds[0]).toMatchObject({ done: false, sent: 30 });
    const { messages, dropped } = await view();
    expect(dropped).toEqual([]);
    expect(messages).toHaveLength(outcome.parts);
    expect(outcome.parts).toBeGreaterThan(30);
    for (const [i, m] of messages.entries()) {
      expect(m.truncated).toBe(false);
      expect(Buffer.byteLength(m.content, 'utf8')).toBeLessThanOrEqual(2048);
      expect(m.content).not.toMatch(/\p{Cs}|\uFFFD/u);
      expect(m.content.startsWith(`（${i + 1}/${messages.length}）\n`)).toBe(true);
    }
    const body = messages.map((m) => m.content.replace(/^（\d+\/\d+）\n/, '')).join('\n');
    expect(body).toBe(text);
  });

  it('sends nothing twice when the job runs again after it finished', async () => {
    await sendAnswer('job-2', 'zhangwei', '你好', deps);
    await sendAnswer('job-2', 'zhangwei', '你好', deps);
    expect((await view()).messages.map((m) => m.content)).toEqual(['你好']);
  });

  it('the sandbox drops, silently, a 31st message in a minute to one member, and cuts one over 2048 bytes', async () => {
    for (let i = 0; i < 31; i++) await deps.api.sendAppMessage({ touser: 'zhangwei', msgtype: 'text', text: { content: `第${i + 1}条` } });
    const cut = await deps.api.sendAppMessage({ touser: 'zhangwei', msgtype: 'text', text: { content: 'x' } });
    expect(cut.invaliduser).toBe('');
    const first = await view();
    expect(first.messages).toHaveLength(30);
    expect(first.dropped).toHaveLength(2);
    clock.advance(60_001);
    await deps.api.sendAppMessage({ touser: 'zhangwei', msgtype: 'text', text: { content: `${'a'}${'好'.repeat(700)}` } });
    const { messages } = await view();
    expect(messages.at(-1)).toMatchObject({ truncated: true });
    expect(Buffer.byteLength(messages.at(-1)!.content, 'utf8')).toBe(2047);
  });
});
