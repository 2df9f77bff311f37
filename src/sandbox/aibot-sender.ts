import { decodeAESKey } from '../wecom/cipher.ts';
import { sealAibotCallback, sealAibotEchostr } from '../wecom/aibot-callback.ts';
import { signCallback } from '../wecom/signature.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { newNonce, randomToken } from './ids.ts';
import type { DeliveryResult, UrlVerification } from './sender.ts';

export interface AibotSenderOptions {
  /** Fenji's 智能机器人 URL, e.g. http://127.0.0.1:3000/wecom/aibot. */
  callbackUrl: string;
  token: string;
  encodingAESKey: string;
  /**
   * WeCom's deadline and re-sends for a message callback are not documented
   * (docs/wecom/aibot.md, 'Unconfirmed'): the app callbacks' are assumed, 5 s and 3 re-sends.
   */
  timeoutMs?: number;
  retries?: number;
  retryDelayMs?: number;
  clock?: Clock;
}

export interface AibotSender {
  readonly callbackUrl: string;
  /** Encrypts, signs and POSTs one message JSON; re-sends the same bytes on failure. */
  send(json: object): Promise<DeliveryResult>;
  verifyUrl(echostrPlain?: string): Promise<UrlVerification>;
}

/**
 * Delivers 智能机器人 callbacks the way WeCom does in URL mode (docs/wecom/aibot.md,
 * 'Callback crypto'): `POST url?msg_signature&timestamp&nonce` with `{"encrypt": …}`,
 * encrypted with the empty ReceiveId.
 */
export function createAibotSender(options: AibotSenderOptions): AibotSender {
  new URL(options.callbackUrl);
  const aes = decodeAESKey(options.encodingAESKey);
  const clock = options.clock ?? systemClock;
  const join = (query: Record<string, string>): string => `${options.callbackUrl}${options.callbackUrl.includes('?') ? '&' : '?'}${new URLSearchParams(query)}`;

  async function attempt(url: string, init: RequestInit, limitMs: number): Promise<{ status: number | null; body: string; error?: string }> {
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(limitMs) });
      return { status: res.status, body: await res.text() };
    } catch (error) {
      return { status: null, body: '', error: String((error as Error).message) };
    }
  }

  async function send(json: object): Promise<DeliveryResult> {
    const timestamp = String(Math.floor(clock.now() / 1000));
    const nonce = newNonce();
    const sealed = sealAibotCallback({ json, token: options.token, aes, timestamp, nonce });
    const init: RequestInit = { method: 'POST', headers: { 'content-type': 'application/json' }, body: sealed.body };
    const retries = options.retries ?? 3;
    let attempts = 0;
    let last: Awaited<ReturnType<typeof attempt>>;
    for (;;) {
      attempts += 1;
      last = await attempt(join(sealed.query), init, options.timeoutMs ?? 5000);
      if (last.status === 200 || attempts > retries) break;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
    }
    const answeredAt = last.status === null ? null : clock.now();
    return { ok: last.status === 200, attempts, status: last.status, answeredAt, body: last.body, ...(last.error ? { error: last.error } : {}), timestamp, nonce };
  }

  async function verifyUrl(echostrPlain: string = randomToken(19)): Promise<UrlVerification> {
    const timestamp = String(Math.floor(clock.now() / 1000));
    const nonce = newNonce();
    const echostr = sealAibotEchostr(aes, echostrPlain);
    const result = await attempt(join({ msg_signature: signCallback(options.token, timestamp, nonce, echostr), timestamp, nonce, echostr }), { method: 'GET' }, 1000);
    return { ok: result.status === 200 && result.body === echostrPlain, status: result.status, body: result.body, echostr: echostrPlain };
  }

  return { callbackUrl: options.callbackUrl, send, verifyUrl };
}
