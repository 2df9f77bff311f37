import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { SANDBOX_AIBOT_CREDENTIALS, SANDBOX_CREDENTIALS } from '../config/sandbox-credentials.ts';
import { createAibotSender, type AibotSender } from './aibot-sender.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { handleApiCall, type ApiPipeline } from './pipeline.ts';
import { TokenStore } from './api/token.ts';
import { createControlHandler } from './control.ts';
import { FaultInjector } from './faults.ts';
import { sendJson } from './http.ts';
import { ConcurrencyGate, parseRateLimit, PathRateLimiter, type PathRateLimit } from './limits.ts';
import { normalizeApiPath } from './paths.ts';
import { CorpSaver, loadSavedCorp } from './persistence.ts';
import { CallRecorder } from './recorder.ts';
import { createCallbackSender, type CallbackSender, type CallbackSenderOptions } from './sender.ts';
import { Simulator } from './simulate.ts';
import { SandboxState } from './state.ts';
import type { SandboxCredentials } from './types.ts';

/** mark_tag gets a little latency by default so concurrent calls really overlap. */
const DEFAULT_LATENCY_MS: Readonly<Record<string, number>> = { '/cgi-bin/externalcontact/mark_tag': 20 };

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  credentials?: SandboxCredentials;
  tokenTtlSeconds?: number;
  /** Calls per API path per minute before 45009. */
  rateLimitPerMinute?: number;
  /** Quotas on single paths (short paths allowed), e.g. `{ 'externalcontact/add_msg_template': { limit: 50, per: 'second' } }`. */
  rateLimits?: Record<string, PathRateLimit>;
  /** mark_tag calls in flight before 45033. */
  markTagConcurrency?: number;
  /** Extra per-path concurrency limits (short paths allowed). */
  concurrencyLimits?: Record<string, number>;
  /** Per-path latency in ms, merged over the defaults; key '*' applies to every other path. */
  latencyMs?: Record<string, number>;
  /** Fenji's callback URL; simulate actions only change state when it is unset. */
  callbackUrl?: string;
  /** Fenji's 智能机器人 URL (/wecom/aibot); unset = the sandbox's bot delivers nothing. */
  aibotCallbackUrl?: string;
  /** The 智能机器人's Token and EncodingAESKey (default: SANDBOX_AIBOT_CREDENTIALS). */
  aibotCredentials?: { token: string; encodingAESKey: string };
  /** Sender tuning (timeouts, retries) for callbacks. */
  sender?: Pick<CallbackSenderOptions, 'timeoutMs' | 'retries' | 'retryDelaysMs' | 'verifyTimeoutMs' | 'fetch'>;
  /** Recorder cap (oldest calls forgotten beyond it). */
  maxRecordedCalls?: number;
  log?: Logger;
  clock?: Clock;
  /**
   * Where the corp is kept across restarts (e.g. DATA_DIR/sandbox/state.json): loaded at
   * start, saved shortly after each change and on close. Unset: a new, empty corp each start.
   */
  stateFile?: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** Base URL, e.g. http://127.0.0.1:4100 (use as Fenji's WeCom API base). */
  url: string;
  port: number;
  state: SandboxState;
  faults: FaultInjector;
  calls: CallRecorder;
  tokens: TokenStore;
  simulate: Simulator;
  /** True when the corp was loaded from `stateFile` (the same corp as before the restart). */
  restored: boolean;
  /** The current callback sender; undefined while no callback URL is set. */
  readonly sender: CallbackSender | undefined;
  /** Points callbacks somewhere else (or nowhere), e.g. once Fenji knows its own port. */
  setCallbackUrl(url: string | undefined): void;
  /** The same for the 智能机器人's callbacks. */
  setAibotCallbackUrl(url: string | undefined): void;
  readonly aibotSender: AibotSender | undefined;
  close(): Promise<void>;
}

/**
 * Starts the WeCom sandbox: WeCom's API under /cgi-bin/ (JSON, HTTP 200, errcode), the
 * control API under /_sandbox/, and a sender that delivers callbacks to Fenji.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials = options.credentials ?? { ...SANDBOX_CREDENTIALS };
  const clock = options.clock ?? systemClock;
  const log = options.log ?? pino({ level: 'silent' });
  const state = new SandboxState(clock);
  const faults = new FaultInjector(clock);
  const calls = new CallRecorder({ clock, ...(options.maxRecordedCalls ? { maxCalls: options.maxRecordedCalls } : {}) });
  const tokens = new TokenStore(options.tokenTtlSeconds ?? 7200, clock);
  const quotas = Object.fromEntries(Object.entries(options.rateLimits ?? {}).map(([path, q]) => [normalizeApiPath(path), parseRateLimit({ ...q })]));
  const limiter = new PathRateLimiter(options.rateLimitPerMinute ?? 10_000, clock, quotas);
  const gate = new ConcurrencyGate({
    '/cgi-bin/externalcontact/mark_tag': options.markTagConcurrency ?? 5,
    ...normalizeKeys(options.concurrencyLimits ?? {}),
  });
  const latency = { ...DEFAULT_LATENCY_MS, ...normalizeKeys(options.latencyMs ?? {}) };
  const saved = options.stateFile ? loadSavedCorp(options.stateFile) : undefined;
  if (saved) {
    state.restore(saved.state);
    tokens.restore(saved.tokens);
  }
  const saver = options.stateFile
    ? new CorpSaver(options.stateFile, () => ({ version: 1, state: state.snapshot(), tokens: tokens.export() }), log)
    : undefined;

  let sender: CallbackSender | undefined;
  const setCallbackUrl = (url: string | undefined): void => {
    sender?.close();
    sender = url
      ? createCallbackSender({ ...options.sender, callbackUrl: url, token: credentials.token, encodingAESKey: credentials.encodingAESKey, corpId: credentials.corpId, agentId: credentials.agentId, clock, log })
      : undefined;
  };
  setCallbackUrl(options.callbackUrl);
  let aibotSender: AibotSender | undefined;
  const aibotCredentials = options.aibotCredentials ?? SANDBOX_AIBOT_CREDENTIALS;
  const setAibotCallbackUrl = (url: string | undefined): void => {
    aibotSender = url ? createAibotSender({ callbackUrl: url, ...aibotCredentials, clock, ...(options.sender?.timeoutMs ? { timeoutMs: options.sender.timeoutMs } : {}) }) : undefined;
  };
  setAibotCallbackUrl(options.aibotCallbackUrl);
  let baseUrl = '';

  const simulate = new Simulator({ state, credentials, sender: () => sender });
  const pipeline: ApiPipeline = { state, credentials, clock, log, faults, calls, tokens, limiter, gate, latency };
  const control = createControlHandler({
    state, faults, calls, tokens, simulate, credentials, setCallbackUrl,
    sender: () => sender,
    limiter,
    aibot: { state, aibotId: SANDBOX_AIBOT_CREDENTIALS.aibotId, sender: () => aibotSender, baseUrl: () => baseUrl },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const isControl = url.pathname.startsWith('/_sandbox/');
    // Any WeCom call may change the corp (even a GET: gettoken); control GETs only read.
    if (saver && !(isControl && req.method === 'GET')) res.once('finish', () => saver.changed());
    const done = isControl ? control(req, res, url) : handleApiCall(pipeline, req, res, url);
    done.catch((error: unknown) => {
      log.error({ err: error, path: url.pathname }, 'sandbox request failed');
      if (!res.headersSent) {
        sendJson(res, 500, { error: 'internal', message: String(error) });
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  baseUrl = url;
  log.info({ url, callbackUrl: options.callbackUrl ?? null, stateFile: options.stateFile ?? null, restored: saved !== undefined }, 'WeCom sandbox listening');

  return {
    url, port, state, faults, calls, tokens, simulate, setCallbackUrl, setAibotCallbackUrl, restored: saved !== undefined,
    get sender() {
      return sender;
    },
    get aibotSender() {
      return aibotSender;
    },
    close: () =>
      new Promise<void>((resolve) => {
        sender?.close();
        saver?.flush();
        server.close(() => resolve());
        // Keep-alive sockets (undici's pool) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function normalizeKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k === '*' ? k : normalizeApiPath(k), v]));
}
