import { pino, type Logger } from 'pino';
import { systemClock, type Clock } from '../shared/clock.ts';
import { decodeAESKey, encryptMessage } from '../wecom/cipher.ts';
import { sealCallback } from '../wecom/callback-xml.ts';
import { signCallback } from '../wecom/signature.ts';
import { newNonce, randomToken } from './ids.ts';

export interface CallbackSenderOptions {
  /** Fenji's callback URL, e.g. http://127.0.0.1:3000/wecom/callback. */
  callbackUrl: string;
  token: string;
  encodingAESKey: string;
  corpId: string;
  agentId: number | string;
  /** No answer within this long counts as a failure (WeCom: 5 s, docs/wecom/callbacks.md, 'Retries'). */
  timeoutMs?: number;
  /** Re-sends after the first attempt (WeCom: 3). */
  retries?: number;
  /** Wait before retry n (the last entry repeats). */
  retryDelaysMs?: number[];
  /** URL verification must be answered within this long (WeCom: 1 s, docs/wecom/callbacks.md, 'URL verification'). */
  verifyTimeoutMs?: number;
  fetch?: typeof fetch;
  clock?: Clock;
  log?: Logger;
}

/** How a delivery ended. */
export interface DeliveryResult {
  /** True when some attempt got HTTP 200. */
  ok: boolean;
  attempts: number;
  /** HTTP status of the last attempt; null when it got no answer (timeout, refused). */
  status: number | null;
  /** When the last answer arrived (ms, sender clock); null when the last attempt got none. */
  answeredAt: number | null;
  /** Body of the last answer ('' when none). */
  body: string;
  /** Why the last attempt failed, when it did. */
  error?: string;
  timestamp: string;
  nonce: string;
}

export interface UrlVerification {
  /** Fenji answered 200 with exactly the plaintext echostr. */
  ok: boolean;
  status: number | null;
  body: string;
  echostr: string;
}

export interface CallbackSender {
  readonly callbackUrl: string;
  /** Encrypts, signs and POSTs a callback, retrying like WeCom. */
  send(innerXml: string, options?: { timestamp?: string; nonce?: string }): Promise<DeliveryResult>;
  /** Performs WeCom's GET URL verification with a random (or given) plaintext echostr. */
  verifyUrl(echostrPlain?: string): Promise<UrlVerification>;
  /** Stops pending retries (their results report the attempts made so far). */
  close(): void;
}

interface AttemptResult {
  status: number | null;
  body: string;
  error?: string;
}

/**
 * Delivers callbacks the way WeCom does (docs/wecom/callbacks.md, 'URL verification' to 'Retries'): `POST url?msg_signature&
 * timestamp&nonce` with the `<xml><ToUserName/><AgentID/><Encrypt/></xml>` envelope.
 * A non-200 status or no answer within timeoutMs is a failure; WeCom then re-sends the
 * same request (same timestamp, nonce and ciphertext), `retries` more times.
 * @throws TypeError when callbackUrl is not a URL; CipherError for a bad EncodingAESKey.
 */
export function createCallbackSender(options: CallbackSenderOptions): CallbackSender {
  // Fail at start-up on a malformed URL rather than on every delivery.
  new URL(options.callbackUrl);
  const aes = decodeAESKey(options.encodingAESKey);
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? pino({ level: 'silent' });
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 3;
  const delays = options.retryDelaysMs ?? [5000, 10_000, 15_000];
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed) {
        resolve();
        return;
      }
      const entry = { timer: setTimeout(() => (timers.delete(entry), resolve()), ms), resolve };
      timers.add(entry);
    });

  async function attempt(url: string, init: RequestInit, limitMs: number): Promise<AttemptResult> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), limitMs);
    try {
      const res = await doFetch(url, { ...init, signal: abort.signal });
      // Reading the body is part of "answering": a handler that stalls mid-body is slow.
      const body = await res.text();
      return { status: res.status, body };
    } catch (error) {
      const reason = abort.signal.aborted ? `no answer within ${limitMs} ms` : String((error as Error).cause ?? error);
      return { status: null, body: '', error: reason };
    } finally {
      clearTimeout(timer);
    }
  }

  async function send(innerXml: string, opts: { timestamp?: string; nonce?: string } = {}): Promise<DeliveryResult> {
    const timestamp = opts.timestamp ?? String(Math.floor(clock.now() / 1000));
    const nonce = opts.nonce ?? newNonce();
    const sealed = sealCallback({ xml: innerXml, token: options.token, aes, corpId: options.corpId, agentId: options.agentId, timestamp, nonce });
    const query = new URLSearchParams(sealed.query);
    const url = `${options.callbackUrl}${options.callbackUrl.includes('?') ? '&' : '?'}${query}`;
    const init: RequestInit = { method: 'POST', headers: { 'content-type': 'text/xml' }, body: sealed.body };
    let attempts = 0;
    let last: AttemptResult = { status: null, body: '' };
    let answeredAt: number | null = null;
    while (!closed) {
      attempts += 1;
      last = await attempt(url, init, timeoutMs);
      answeredAt = last.status === null ? null : clock.now();
      if (last.status === 200 || attempts > retries) {
        break;
      }
      const delay = delays[Math.min(attempts - 1, delays.length - 1)] ?? 0;
      log.debug({ attempts, status: last.status, error: last.error, delay }, 'sandbox callback failed, will retry');
      await wait(delay);
    }
    const ok = last.status === 200;
    if (!ok) {
      log.warn({ attempts, status: last.status, error: last.error }, 'sandbox callback not accepted, giving up');
    }
    return { ok, attempts, status: last.status, answeredAt, body: last.body, ...(last.error ? { error: last.error } : {}), timestamp, nonce };
  }

  async function verifyUrl(echostrPlain: string = randomToken(19)): Promise<UrlVerification> {
    const timestamp = String(Math.floor(clock.now() / 1000));
    const nonce = newNonce();
    const echostr = encryptMessage(aes, echostrPlain, options.corpId);
    // URLSearchParams percent-encodes + / = like WeCom does (docs/wecom/callbacks.md, 'URL verification').
    const query = new URLSearchParams({ msg_signature: signCallback(options.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
    const url = `${options.callbackUrl}${options.callbackUrl.includes('?') ? '&' : '?'}${query}`;
    const result = await attempt(url, { method: 'GET' }, options.verifyTimeoutMs ?? 1000);
    return { ok: result.status === 200 && result.body === echostrPlain, status: result.status, body: result.body, echostr: echostrPlain };
  }

  function close(): void {
    closed = true;
    for (const entry of timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    timers.clear();
  }

  return { callbackUrl: options.callbackUrl, send, verifyUrl, close };
}
