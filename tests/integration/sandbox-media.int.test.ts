import pino from 'pino';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisKeys } from '../../src/adapters/redis/keys.ts';
import { WeComClient } from '../../src/adapters/wecom-api/client.ts';
import { HttpWeComApi } from '../../src/adapters/wecom-api/endpoints.ts';
import type { WeComApi } from '../../src/wecom/api.ts';
import { WeComApiError } from '../../src/wecom/api-errors.ts';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.ts';
import { connectTestRedis, deleteByPrefix, uniquePrefix } from '../helpers/redis.ts';

// media/upload and a file app message, through Fenji's own WeCom client against the
// sandbox: what WeCom refuses, the 3-day life of a media_id, and the file read back.

let sandbox: Sandbox;
let redis: Redis;
let prefix: string;
let api: WeComApi;
let now: number;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeEach(async () => {
  now = Date.UTC(2026, 8, 14, 2);
  sandbox = await startSandbox({ clock: { now: () => now } });
  sandbox.state.seed({ reps: [{ userid: 'boss', name: '王总' }] });
  redis = connectTestRedis();
  prefix = uniquePrefix('media');
  api = new HttpWeComApi(new WeComClient({ apiBase: sandbox.url, corpId: C.corpId, agentId: C.agentId, secret: C.secret, redis, keys: new RedisKeys(prefix), log: pino({ level: 'silent' }) }));
});
afterEach(async () => {
  await sandbox.close();
  await deleteByPrefix(redis, prefix);
  redis.disconnect();
});

async function errcodeOf(call: Promise<unknown>): Promise<number> {
  const err = await call.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(WeComApiError);
  return (err as WeComApiError).errcode;
}

describe('media/upload', () => {
  it('stores a file under a media_id, sends it as a file message, and hands the same bytes back', async () => {
    const data = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x0d, 0x0a, 0xff, 0x2d, 0x2d]);
    const up = await api.uploadMedia('file', { filename: 'Fenji报表-2026-09-14.xlsx', contentType: XLSX, data });
    expect(up).toMatchObject({ type: 'file', created_at: String(Math.floor(now / 1000)) });
    await api.sendAppMessage({ touser: 'boss', msgtype: 'file', file: { media_id: up.media_id } });
    const told = (await (await fetch(`${sandbox.url}/_sandbox/app-messages?userid=boss`)).json()) as { messages: Record<string, unknown>[] };
    expect(told.messages).toEqual([expect.objectContaining({ msgtype: 'file', media_id: up.media_id, filename: 'Fenji报表-2026-09-14.xlsx', content: null })]);
    const media = (await (await fetch(`${sandbox.url}/_sandbox/media?media_id=${up.media_id}`)).json()) as { data: string; content_type: string };
    expect(Buffer.from(media.data, 'base64').equals(data)).toBe(true);
    expect(media.content_type).toBe(XLSX);
  });

  it('refuses an empty file (44001), one of 5 bytes or over 20 MB (40006), and an unknown type (40004)', async () => {
    const file = (data: Buffer) => ({ filename: 'a.xlsx', contentType: XLSX, data });
    expect(await errcodeOf(api.uploadMedia('file', file(Buffer.alloc(0))))).toBe(44001);
    expect(await errcodeOf(api.uploadMedia('file', file(Buffer.alloc(5, 1))))).toBe(40006);
    expect(await errcodeOf(api.uploadMedia('file', file(Buffer.alloc(20 * 1024 * 1024 + 1, 1))))).toBe(40006);
    expect(await errcodeOf(api.uploadMedia('pdf' as 'file', file(Buffer.alloc(10, 1))))).toBe(40004);
    expect((await api.uploadMedia('file', file(Buffer.alloc(20 * 1024 * 1024, 1)))).media_id).toMatch(/^\w+$/);
    expect(sandbox.state.media.size).toBe(1);
  });

  it('answers 40007 for a file message whose media_id is unknown or 3 days old', async () => {
    const up = await api.uploadMedia('file', { filename: 'a.xlsx', contentType: XLSX, data: Buffer.alloc(10, 1) });
    expect(await errcodeOf(api.sendAppMessage({ touser: 'boss', msgtype: 'file', file: { media_id: 'nope' } }))).toBe(40007);
    now += 3 * 24 * 3600_000 - 1000;
    await api.sendAppMessage({ touser: 'boss', msgtype: 'file', file: { media_id: up.media_id } });
    now += 1000;
    expect(await errcodeOf(api.sendAppMessage({ touser: 'boss', msgtype: 'file', file: { media_id: up.media_id } }))).toBe(40007);
    expect(sandbox.state.appMessages).toHaveLength(1);
  });
});
