import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/config/sandbox-credentials.ts';
import { startCallbackReceiver, type CallbackReceiver, type Responder } from '../../src/sandbox/callback-receiver.ts';
import { createCallbackSender, type CallbackSenderOptions } from '../../src/sandbox/sender.ts';
import { decodeAESKey, decryptMessage } from '../../src/wecom/cipher.ts';
import { parseEnvelope } from '../../src/wecom/envelope.ts';
import { signCallback } from '../../src/wecom/signature.ts';

// The callback sender against a node:http receiver: crypto, retries, timeouts.

const C = SANDBOX_CREDENTIALS;
const INNER = '<xml><ToUserName><![CDATA[wwfenjisandbox0001]]></ToUserName><Event><![CDATA[test]]></Event></xml>';
let receiver: CallbackReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function setup(respond?: Responder, options: Partial<CallbackSenderOptions> = {}) {
  receiver = await startCallbackReceiver(respond ? { respond } : {});
  const sender = createCallbackSender({
    callbackUrl: receiver.url,
    token: C.token,
    encodingAESKey: C.encodingAESKey,
    corpId: C.corpId,
    agentId: C.agentId,
    // WeCom's own 5 s: on a loaded 2-core machine a first request (new socket, cold code)
    // can take longer than a few hundred ms. The timeout tests set a short one themselves.
    timeoutMs: 5000,
    retryDelaysMs: [20, 20, 20],
    ...options,
  });
  return { receiver, sender };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('callback sender', () => {
  it('posts a signed, encrypted envelope that src/wecom verifies and decrypts', async () => {
    const { receiver, sender } = await setup();
    const result = await sender.send(INNER, { timestamp: '1767225600', nonce: '1234567890' });
    expect(result).toMatchObject({ ok: true, attempts: 1, status: 200, timestamp: '1767225600', nonce: '1234567890' });
    expect(result.answeredAt).toEqual(expect.any(Number));
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url.startsWith('/wecom/callback?')).toBe(true);
    expect(Object.keys(request!.query).sort()).toEqual(['msg_signature', 'nonce', 'timestamp']);
    const envelope = parseEnvelope(request!.body);
    expect(envelope).toMatchObject({ toUserName: C.corpId, agentId: String(C.agentId) });
    expect(request!.query['msg_signature']).toBe(signCallback(C.token, '1767225600', '1234567890', envelope.encrypt));
    expect(decryptMessage(decodeAESKey(C.encodingAESKey), envelope.encrypt)).toEqual({ message: INNER, receiveId: C.corpId });
  });

  it('retries the identical request after a 500, and stops at the first 200', async () => {
    const { receiver, sender } = await setup((_req, i) => (i < 2 ? { status: 500 } : undefined));
    const result = await sender.send(INNER);
    expect(result).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(receiver.requests).toHaveLength(3);
    const [a, b, c] = receiver.requests;
    expect(b!.url).toBe(a!.url); // same timestamp, nonce and signature
    expect(c!.body).toBe(a!.body); // same ciphertext
  });

  it('treats an answer slower than timeoutMs as a failure and retries', async () => {
    const { receiver, sender } = await setup((_req, i) => (i === 0 ? { delayMs: 400 } : undefined), { timeoutMs: 100 });
    const result = await sender.send(INNER);
    expect(result).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('gives up after 3 retries (4 attempts) with the last status', async () => {
    const { receiver, sender } = await setup(() => ({ status: 503 }));
    const result = await sender.send(INNER);
    expect(result).toMatchObject({ ok: false, attempts: 4, status: 503 });
    await sleep(100);
    expect(receiver.requests).toHaveLength(4);
  });

  it('reports no answer (status null) after timeouts on every attempt', async () => {
    const { sender } = await setup(() => ({ delayMs: 300 }), { timeoutMs: 50, retries: 1 });
    const result = await sender.send(INNER);
    expect(result).toMatchObject({ ok: false, attempts: 2, status: null, answeredAt: null });
    expect(result.error).toMatch(/no answer within 50 ms/);
  });

  it('does not retry after a 200', async () => {
    const { receiver, sender } = await setup();
    expect((await sender.send(INNER)).attempts).toBe(1);
    await sleep(100); // longer than the retry delay
    expect(receiver.requests).toHaveLength(1);
  });

  it('waits retryDelaysMs between attempts', async () => {
    const { receiver, sender } = await setup(() => ({ status: 500 }), { retryDelaysMs: [60, 120], retries: 2 });
    await sender.send(INNER);
    const [a, b, c] = receiver.requests.map((r) => r.receivedAt);
    expect(b! - a!).toBeGreaterThanOrEqual(55);
    expect(c! - b!).toBeGreaterThanOrEqual(115);
  });

  it('stops pending retries on close()', async () => {
    const { receiver, sender } = await setup(() => ({ status: 500 }), { retryDelaysMs: [5000] });
    const pending = sender.send(INNER);
    await receiver.waitFor(1);
    sender.close();
    expect(await pending).toMatchObject({ ok: false, attempts: 1, status: 500 });
  });
});

describe('URL verification', () => {
  it('signs over the encrypted echostr, percent-encodes it, and checks the plaintext answer', async () => {
    const { receiver, sender } = await setup();
    const result = await sender.verifyUrl('echo-1234567890');
    expect(result).toMatchObject({ ok: true, status: 200, body: 'echo-1234567890' });
    const [request] = receiver.requests;
    expect(request!.method).toBe('GET');
    const rawEchostr = /[?&]echostr=([^&]*)/.exec(request!.url)![1]!;
    expect(rawEchostr).toMatch(/^[A-Za-z0-9%]+$/); // no bare + / =
    const { timestamp, nonce, echostr, msg_signature } = request!.query;
    expect(msg_signature).toBe(signCallback(C.token, timestamp!, nonce!, echostr!));
  });

  it('is not ok when the answer differs from the plaintext', async () => {
    const { sender } = await setup(() => ({ body: 'echo-1234567890\n' }));
    expect((await sender.verifyUrl('echo-1234567890')).ok).toBe(false);
  });
});
