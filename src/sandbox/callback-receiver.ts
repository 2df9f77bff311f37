import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_CREDENTIALS } from '../config/sandbox-credentials.ts';
import { decodeAESKey, decryptMessage } from '../wecom/cipher.ts';
import { parseEnvelope } from '../wecom/envelope.ts';
import { verifyCallbackSignature } from '../wecom/signature.ts';
import { readBody, sleep } from './http.ts';

/** One request the receiver got, raw. */
export interface ReceivedRequest {
  method: string;
  /** Path plus query string, as sent. */
  url: string;
  query: Record<string, string>;
  body: string;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

/** How to answer a request; defaults: a correct WeCom endpoint (200, echostr for GET). */
export type Responder = (request: ReceivedRequest, index: number) => { status?: number; body?: string; delayMs?: number } | undefined;

export interface CallbackReceiver {
  url: string;
  /** Every request so far, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Resolves once `count` requests arrived. @throws Error after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

type Credentials = { token: string; encodingAESKey: string; corpId: string };

/**
 * A stand-in for Fenji's callback endpoint, for tests and benchmarks of the sandbox's
 * sender: records requests and answers as told. It decrypts with src/wecom, so it also
 * checks that sandbox and Fenji agree on the protocol.
 */
export async function startCallbackReceiver(
  options: { respond?: Responder; credentials?: Credentials; path?: string } = {},
): Promise<CallbackReceiver> {
  const credentials = options.credentials ?? SANDBOX_CREDENTIALS;
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://receiver.local');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        query: Object.fromEntries(url.searchParams),
        body: await readBody(req),
        receivedAt: Date.now(),
      };
      const index = requests.push(request) - 1;
      waiters.splice(0).forEach((wake) => wake());
      const plan = options.respond?.(request, index) ?? {};
      await sleep(plan.delayMs ?? 0);
      if (res.destroyed) {
        return; // the sender gave up waiting and dropped the connection
      }
      const body = plan.body ?? (request.method === 'GET' ? answerVerification(request, credentials) : '');
      res.writeHead(plan.status ?? 200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/wecom/callback'}`,
    requests,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() >= deadline) {
          throw new Error(`expected ${count} callback requests, got ${requests.length} within ${timeoutMs} ms`);
        }
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), sleep(deadline - Date.now())]);
      }
      return requests.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The decrypted callback plus what a receiver must check (docs/wecom/callbacks.md, 'XML envelope'). */
export interface OpenedCallback {
  signatureValid: boolean;
  receiveId: string;
  toUserName: string | undefined;
  agentId: string | undefined;
  /** Inner XML. */
  xml: string;
}

/**
 * Verifies and decrypts a POSTed callback with src/wecom.
 * @throws CipherError / XmlError when the body is not a valid envelope.
 */
export function openCallback(request: ReceivedRequest, credentials: Credentials = SANDBOX_CREDENTIALS): OpenedCallback {
  const envelope = parseEnvelope(request.body);
  const { timestamp = '', nonce = '', msg_signature: signature = '' } = request.query;
  const decrypted = decryptMessage(decodeAESKey(credentials.encodingAESKey), envelope.encrypt);
  return {
    signatureValid: verifyCallbackSignature(credentials.token, timestamp, nonce, envelope.encrypt, signature),
    receiveId: decrypted.receiveId,
    toUserName: envelope.toUserName,
    agentId: envelope.agentId,
    xml: decrypted.message,
  };
}

/** Answers a GET URL verification like a correct endpoint: the plaintext echostr, if signed. */
function answerVerification(request: ReceivedRequest, credentials: Credentials): string {
  const { timestamp = '', nonce = '', msg_signature: signature = '', echostr = '' } = request.query;
  if (!verifyCallbackSignature(credentials.token, timestamp, nonce, echostr, signature)) {
    return 'bad signature';
  }
  try {
    return decryptMessage(decodeAESKey(credentials.encodingAESKey), echostr).message;
  } catch {
    return 'bad echostr';
  }
}
