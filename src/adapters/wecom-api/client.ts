import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/keys.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { WeComTransportError } from '../../wecom/api-errors.ts';
import { multipartBody, type UploadFile } from './multipart-body.ts';
import {
  TOKEN_REJECTED_ERRCODES,
  describeFetchFailure,
  errorForResponse,
  parseWeComResponse,
  type RateLimitPolicy,
  type WeComRawResponse,
  type WeComResponseBase,
} from './response.ts';
import { RedisTokenProvider, type FetchedToken, type RedisTokenProviderOptions } from './token-provider.ts';

export type WeComMethod = 'GET' | 'POST';
export type { UploadFile };
export type WeComQuery = Record<string, string | number | boolean | undefined>;

export interface WeComRequestOptions {
  /** Query parameters; `access_token` is added by the client and cannot be overridden. */
  query?: WeComQuery;
  /** JSON body (POST only). */
  body?: unknown;
  /** A file to upload as multipart/form-data instead of a JSON body (POST only; media/upload). */
  file?: UploadFile;
  /** Per HTTP exchange, instead of the client's: a call with a deadline (a WelcomeCode's 20 s) waits no longer than it. */
  timeoutMs?: number;
}

export interface WeComClientOptions {
  /** e.g. https://qyapi.weixin.qq.com (no trailing /cgi-bin). */
  apiBase: string;
  corpId: string;
  agentId: number | string;
  secret: string;
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  fetch?: typeof fetch;
  /** Per HTTP exchange. Default 10 s. */
  timeoutMs?: number;
  /** Retries after errcode -1 (system busy). Default 3, as WeCom advises. */
  busyRetries?: number;
  /** First backoff after -1; doubles each retry, with jitter. Default 200 ms. */
  busyBaseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  clock?: Clock;
  random?: () => number;
  /** retryAfterMs reported for 45009. Default 60 s. */
  frequencyRetryAfterMs?: number;
  /** Centre of the jittered retryAfterMs reported for 45033. Default 1 s. */
  concurrencyRetryAfterMs?: number;
  /** Token cache tuning; the defaults suit production. */
  token?: Pick<
    RedisTokenProviderOptions,
    'safetyMarginMs' | 'lockTtlMs' | 'peerWaitMs' | 'pollIntervalMs' | 'configFailureCooldownMs'
  >;
}

const GETTOKEN_PATH = '/cgi-bin/gettoken';

/** What a POST carries: a JSON body, or one file as multipart/form-data. */
type Payload = { json: unknown } | { file: UploadFile };

/**
 * Low-level WeCom server API client for one self-built app: token handling, timeouts,
 * retries and errcode mapping live here and nowhere else (docs/wecom/api.md, 'Errcodes').
 * It knows nothing of Fenji's domain; typed wrappers are in endpoints.ts.
 */
export class WeComClient {
  readonly corpId: string;
  readonly agentId: number;
  readonly tokens: RedisTokenProvider;
  private readonly apiBase: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly busyRetries: number;
  private readonly busyBaseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly rateLimits: RateLimitPolicy;
  private readonly log: Logger;

  constructor(options: WeComClientOptions) {
    this.corpId = options.corpId;
    this.agentId = Number(options.agentId);
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.busyRetries = options.busyRetries ?? 3;
    this.busyBaseDelayMs = options.busyBaseDelayMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.rateLimits = {
      frequencyRetryAfterMs: options.frequencyRetryAfterMs ?? 60_000,
      concurrencyRetryAfterMs: options.concurrencyRetryAfterMs ?? 1_000,
      random: this.random,
    };
    this.log = options.log;
    this.tokens = new RedisTokenProvider({
      redis: options.redis,
      keys: options.keys,
      corpId: options.corpId,
      agentId: options.agentId,
      secret: options.secret,
      log: options.log,
      ...options.token,
      ...(options.clock ? { clock: options.clock } : {}),
      fetchToken: (credentials) => this.fetchAccessToken(credentials),
    });
  }

  /**
   * Calls one WeCom API with the app's access_token.
   * @param path - e.g. `/cgi-bin/externalcontact/get`
   * @returns the parsed answer (errcode 0)
   * @throws WeComRateLimitedError on 45009/45033, WeComConfigurationError on 40001/48002/60020,
   *   WeComApiError on any other errcode, WeComTransportError when WeCom did not answer.
   */
  async request<T extends object = Record<string, unknown>>(
    method: WeComMethod,
    path: string,
    options: WeComRequestOptions = {},
  ): Promise<T & WeComResponseBase> {
    // Spread last so a caller's query can never replace the token.
    const payload: Payload = options.file ? { file: options.file } : { json: options.body };
    const call = (token: string): Promise<WeComRawResponse> =>
      this.callRetryingBusy(method, path, { ...options.query, access_token: token }, payload, options.timeoutMs);
    const token = await this.tokens.getToken();
    let response = await call(token);
    if (TOKEN_REJECTED_ERRCODES.has(response.errcode)) {
      // WeCom may revoke a token before expires_in. Drop exactly the token that failed (a
      // peer may already have stored a newer one), get a fresh one, retry once, never loop.
      await this.tokens.invalidate(token);
      response = await call(await this.tokens.getToken());
    }
    if (response.errcode !== 0) {
      throw errorForResponse(path, response, this.rateLimits);
    }
    return response as T & WeComResponseBase;
  }

  /** gettoken, used by the token provider only; a 40001 here is a config error, not a stale token. */
  private async fetchAccessToken(credentials: {
    corpId: string;
    secret: string;
  }): Promise<FetchedToken> {
    const query = { corpid: credentials.corpId, corpsecret: credentials.secret };
    const response = await this.callRetryingBusy('GET', GETTOKEN_PATH, query, { json: undefined });
    if (response.errcode !== 0) {
      throw errorForResponse(GETTOKEN_PATH, response, this.rateLimits);
    }
    const { access_token: token, expires_in: expiresInSec } = response;
    if (typeof token !== 'string' || token === '' || typeof expiresInSec !== 'number' || expiresInSec <= 0) {
      throw new WeComTransportError(GETTOKEN_PATH, 'gettoken answer lacks access_token or expires_in');
    }
    return { token, expiresInSec };
  }

  /** One logical call: retries errcode -1 (system busy) with exponential backoff and jitter. */
  private async callRetryingBusy(
    method: WeComMethod,
    path: string,
    query: WeComQuery,
    body: Payload,
    timeoutMs = this.timeoutMs,
  ): Promise<WeComRawResponse> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, query, body, timeoutMs);
      if (response.errcode !== -1 || attempt >= this.busyRetries) {
        return response;
      }
      // "Equal jitter": half the exponential step fixed, half random, so delays still grow.
      const step = this.busyBaseDelayMs * 2 ** attempt;
      await this.sleep(Math.round(step / 2 + (this.random() * step) / 2));
    }
  }

  /** One HTTP exchange. Logs method, path, errcode and duration; never the query string. */
  private async send(
    method: WeComMethod,
    path: string,
    query: WeComQuery,
    body: Payload,
    timeoutMs: number,
  ): Promise<WeComRawResponse> {
    const url = new URL(this.apiBase + path);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const started = performance.now();
    let errcode: number | undefined;
    try {
      const init: RequestInit = { method, signal: AbortSignal.timeout(timeoutMs) };
      if (method === 'POST' && 'file' in body) {
        const boundary = `----fenji${randomUUID().replace(/-/g, '')}`;
        init.headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
        init.body = multipartBody(body.file, boundary);
      } else if (method === 'POST') {
        // WeCom POST APIs always expect a JSON object, `{}` meaning "no filter".
        init.headers = { 'content-type': 'application/json' };
        init.body = JSON.stringify(('json' in body ? body.json : undefined) ?? {});
      }
      const res = await this.fetchImpl(url, init);
      // The body read is still under the timeout signal, so a stalled body cannot hang us.
      const text = await res.text();
      if (!res.ok) {
        throw new WeComTransportError(path, `HTTP ${res.status}`);
      }
      const response = parseWeComResponse(path, text);
      errcode = response.errcode;
      return response;
    } catch (err) {
      if (err instanceof WeComTransportError) {
        throw err;
      }
      throw new WeComTransportError(path, describeFetchFailure(err, timeoutMs), err);
    } finally {
      const ms = Math.round(performance.now() - started);
      this.log.debug({ method, path, errcode, ms }, 'wecom api call');
    }
  }
}
