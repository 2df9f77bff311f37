import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { decodeAESKey, encryptMessage } from '../../src/wecom/cipher.ts';
import { addExternalContactXml, textMessageXml } from '../../src/wecom/callback-xml.ts';
import { signCallback } from '../../src/wecom/signature.ts';
import { startFenji, type FenjiProcess } from '../helpers/fenji-process.ts';
import { expectedJobId, postSealed, sealForSandbox } from '../helpers/post-callback.ts';
import { deleteByPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis.ts';

const nowS = () => Math.floor(Date.now() / 1000);

describe('Fenji as a process, in sandbox mode', () => {
  let fenji: FenjiProcess;
  let redis: Redis;
  let queue: Queue;
  const prefix = uniquePrefix('e2e');

  beforeAll(async () => {
    fenji = await startFenji({ env: { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    queue = new Queue('callbacks', { connection: redis, prefix });
  });
  afterAll(async () => {
    await fenji?.stop();
    await queue?.close();
    await deleteByPrefix(redis, prefix);
    redis?.disconnect();
  });

  it('says it runs against the sandbox', async () => {
    const line = await fenji.waitForLog((l) => typeof l['sandbox'] === 'string');
    expect(String(line['msg'])).toContain('sandbox');
  });

  it('answers URL verification with the decrypted echostr, byte for byte', async () => {
    const timestamp = String(nowS());
    const echostr = encryptMessage(decodeAESKey(C.encodingAESKey), '8016542361029476', C.corpId);
    const query = new URLSearchParams({ msg_signature: signCallback(C.token, timestamp, '42', echostr), timestamp, nonce: '42', echostr });
    const res = await fetch(`${fenji.url}/wecom/callback?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('8016542361029476');
  });

  it('turns a member message into a job that a worker processes', async () => {
    const xml = textMessageXml({ corpId: C.corpId, fromUser: 'zhangwei', content: '名单 B', msgId: '7320156203456789012', createTime: nowS(), agentId: C.agentId });
    expect(await postSealed(fenji.url, sealForSandbox(xml))).toBe(200);
    const id = expectedJobId(xml);
    const line = await fenji.waitForLog((l) => l['msg'] === 'callback event processed' && l['dedupeKey'] === id);
    expect(line).toMatchObject({ kind: 'app_message', msgType: 'text', from: 'zhangwei' });
    // Message text never reaches the log at info.
    expect(JSON.stringify(fenji.logs)).not.toContain('名单 B');
  });

  it('makes exactly one job per event from a duplicate storm (each callback 4 times, concurrently)', async () => {
    const xmls = Array.from({ length: 25 }, (_, i) =>
      addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: `wmStorm${i}`, createTime: nowS(), welcomeCode: `code${i}` }));
    const sealed = xmls.map((x) => sealForSandbox(x));
    const statuses = await Promise.all(sealed.flatMap((s) => [s, s, s, s].map((copy) => postSealed(fenji.url, copy))));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const ids = xmls.map(expectedJobId);
    for (const id of ids) {
      await fenji.waitForLog((l) => l['msg'] === 'callback event processed' && l['dedupeKey'] === id);
    }
    const processed = fenji.logs.filter((l) => l['msg'] === 'callback event processed' && ids.includes(String(l['dedupeKey'])));
    expect(processed).toHaveLength(25);
    const jobs = await queue.getJobs(['completed', 'wait', 'active', 'delayed', 'failed']);
    expect(jobs.filter((j) => ids.includes(j.id!))).toHaveLength(25);
    const metrics = await (await fetch(`${fenji.url}/metrics`)).text();
    expect(metrics).toMatch(/fenji_callbacks_total\{outcome="duplicate"\} 75/);
  });

  it('refuses forged and stale callbacks, stores nothing, and keeps serving', async () => {
    const before = await queue.count() + (await queue.getCompletedCount());
    const xml = addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: 'wmForged', createTime: nowS() });
    const forged = sealForSandbox(xml);
    forged.query.msg_signature = 'a'.repeat(40);
    expect(await postSealed(fenji.url, forged)).toBe(401);
    expect(await postSealed(fenji.url, sealForSandbox(xml, nowS() - 3600))).toBe(401);
    await fenji.waitForLog((l) => l['code'] === 'timestamp_stale');
    expect(fenji.logs.some((l) => l['code'] === 'signature_invalid')).toBe(true);
    expect(await queue.count() + (await queue.getCompletedCount())).toBe(before);
    expect((await fetch(`${fenji.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${fenji.url}/readyz`)).status).toBe(200);
  });
});
