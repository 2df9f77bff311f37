import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS as C } from '../../src/config/sandbox-credentials.ts';
import { decodeAESKey, encryptMessage } from '../../src/wecom/cipher.ts';
import { addExternalContactXml, sealCallback, textMessageXml } from '../../src/wecom/callback-xml.ts';
import { signCallback } from '../../src/wecom/signature.ts';
import { startAppHarness, type AppHarness } from '../helpers/http-app.ts';

const aes = decodeAESKey(C.encodingAESKey);
const nowS = () => Math.floor(Date.now() / 1000);

function seal(xml: string, overrides: Partial<Parameters<typeof sealCallback>[0]> = {}) {
  return sealCallback({ xml, token: C.token, aes, corpId: C.corpId, agentId: C.agentId, timestamp: nowS(), ...overrides });
}

function post(h: AppHarness, sealed: { query: Record<string, string>; body: string }) {
  return fetch(`${h.url}/wecom/callback?${new URLSearchParams(sealed.query)}`, { method: 'POST', body: sealed.body, headers: { 'content-type': 'text/xml' } });
}

const contact = (n: number) =>
  addExternalContactXml({ corpId: C.corpId, userId: 'zhangwei', externalUserId: `wmCustomer${n}`, createTime: nowS(), state: 'poster', welcomeCode: `wc${n}` });

describe('POST/GET /wecom/callback', () => {
  let h: AppHarness;
  beforeAll(async () => { h = await startAppHarness({ maxBodyBytes: 4096 }); });
  afterAll(async () => { await h.close(); });

  it('answers URL verification with the plaintext echostr only', async () => {
    const timestamp = String(nowS());
    const echostr = encryptMessage(aes, '1616140317555161061', C.corpId);
    const query = new URLSearchParams({ msg_signature: signCallback(C.token, timestamp, 'n1', echostr), timestamp, nonce: 'n1', echostr });
    const res = await fetch(`${h.url}/wecom/callback?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1616140317555161061');
  });

  it('rejects a verification with a forged signature', async () => {
    const echostr = encryptMessage(aes, 'hello', C.corpId);
    const query = new URLSearchParams({ msg_signature: 'f'.repeat(40), timestamp: String(nowS()), nonce: 'n', echostr });
    expect((await fetch(`${h.url}/wecom/callback?${query}`)).status).toBe(401);
  });

  it('answers an empty 200 and enqueues one typed job', async () => {
    const res = await post(h, seal(contact(1)));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [job] = await h.queue.getJobs(['wait']);
    expect(job?.data.event).toMatchObject({ kind: 'external_contact', changeType: 'add_external_contact', externalUserId: 'wmCustomer1', state: 'poster' });
  });

  it.each([
    ['forged signature', () => ({ ...seal(contact(10)), query: { ...seal(contact(10)).query, msg_signature: '0'.repeat(40) } }), 401, 'signature_invalid'],
    ['stale timestamp', () => seal(contact(11), { timestamp: nowS() - 301 }), 401, 'timestamp_stale'],
    ['foreign ReceiveId', () => sealCallback({ xml: contact(12), token: C.token, aes, corpId: 'wwSomeoneElse', agentId: 1, timestamp: nowS() }), 401, 'receive_id_mismatch'],
    ['broken outer XML', () => { const s = seal(contact(13)); return { ...s, body: s.body.slice(0, -10) }; }, 400, 'envelope_invalid'],
    ['broken inner XML', () => seal('<xml><MsgType>text</MsgType><Content>oops'), 400, 'message_invalid'],
    ['a DOCTYPE (XXE)', () => { const s = seal(contact(14)); return { ...s, body: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${s.body}` }; }, 400, 'envelope_invalid'],
    ['oversized body', () => { const s = seal(contact(15)); return { ...s, body: s.body + ' '.repeat(5000) }; }, 413, 'body_too_large'],
    ['missing parameters', () => ({ ...seal(contact(16)), query: {} as Record<string, string> }), 400, 'params_missing'],
  ])('rejects %s with %i, enqueues nothing', async (_name, build, status, code) => {
    const before = await h.queue.count();
    const res = await post(h, build() as { query: Record<string, string>; body: string });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: code });
    expect(await h.queue.count()).toBe(before);
  });

  it('answers 413 to an oversized chunked body (no Content-Length) and keeps serving', async () => {
    const sealed = seal(contact(17));
    const chunks = [sealed.body, ' '.repeat(3000), ' '.repeat(3000)];
    const body = new ReadableStream({ pull(controller) { const next = chunks.shift(); if (next === undefined) controller.close(); else controller.enqueue(new TextEncoder().encode(next)); } });
    const res = await fetch(`${h.url}/wecom/callback?${new URLSearchParams(sealed.query)}`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'body_too_large' });
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('accepts a stale timestamp when WECOM_CALLBACK_MAX_AGE_S=0', async () => {
    const lax = await startAppHarness({ maxAgeSeconds: 0 });
    try {
      expect((await post(lax, seal(contact(20), { timestamp: 1_000_000_000 }))).status).toBe(200);
      expect(await lax.queue.count()).toBe(1);
    } finally {
      await lax.close();
    }
  });

  it('counts accepted, duplicate and rejected callbacks in /metrics', async () => {
    const msg = textMessageXml({ corpId: C.corpId, fromUser: 'zhangwei', content: '分级', msgId: '7320156203456789012', createTime: nowS(), agentId: C.agentId });
    const sealed = seal(msg);
    const answers = await Promise.all([1, 2, 3, 4].map(() => post(h, sealed)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/fenji_callbacks_total\{outcome="duplicate"\} 3/);
    expect(text).toMatch(/fenji_callbacks_total\{outcome="rejected"\} \d+/);
    expect(text).toMatch(/fenji_queue_jobs\{queue="callbacks",state="wait"\} \d+/);
    expect(text).toContain('fenji_callback_duration_seconds_bucket');
  });

  it('reports health and readiness', async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', 'queue:callbacks': 'ok', spool: 'empty' } });
  });
});
