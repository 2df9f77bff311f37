import { SANDBOX_CREDENTIALS } from '../config/sandbox-credentials.ts';

/** A WeCom JSON answer: errcode plus whatever the API returns. */
export type WeComAnswer = { errcode: number; errmsg: string } & Record<string, unknown>;

export interface WeComCallOptions {
  /** Sent as ?access_token= (omit to test 41001). */
  token?: string;
  query?: Record<string, string>;
  /** JSON body; its presence makes the call a POST unless `method` says otherwise. */
  body?: unknown;
  method?: 'GET' | 'POST';
}

/**
 * Calls a WeCom-shaped API at `baseUrl` (the sandbox) and returns the parsed answer.
 * A tiny client for tests, benchmarks and the demo; Fenji has its own gateway.
 * @throws Error when the answer is not WeCom JSON (HTTP failure, dropped connection).
 */
export async function callWeCom(baseUrl: string, path: string, options: WeComCallOptions = {}): Promise<WeComAnswer> {
  const url = new URL(path.startsWith('/') ? path : `/cgi-bin/${path}`, baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(name, value);
  }
  if (options.token !== undefined) {
    url.searchParams.set('access_token', options.token);
  }
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const res = await fetch(url, {
    method,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
  });
  const answer = (await res.json()) as WeComAnswer;
  if (typeof answer.errcode !== 'number') {
    throw new Error(`${method} ${url.pathname}: answer without errcode (HTTP ${res.status})`);
  }
  return answer;
}

/**
 * Gets an access_token with the sandbox credentials.
 * @throws Error when gettoken answers an errcode.
 */
export async function fetchToken(
  baseUrl: string,
  credentials: { corpId: string; secret: string } = SANDBOX_CREDENTIALS,
): Promise<string> {
  const answer = await callWeCom(baseUrl, 'gettoken', { query: { corpid: credentials.corpId, corpsecret: credentials.secret } });
  if (answer.errcode !== 0 || typeof answer['access_token'] !== 'string') {
    throw new Error(`gettoken failed: ${answer.errcode} ${answer.errmsg}`);
  }
  return answer['access_token'];
}

/** Calls the control API (`/_sandbox/...`); returns the HTTP status and parsed JSON. */
export async function callControl<T = Record<string, unknown>>(
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  init: { signal?: AbortSignal } = {},
): Promise<{ status: number; body: T }> {
  const url = new URL(`/_sandbox/${path.replace(/^\/+/, '').replace(/^_sandbox\//, '')}`, baseUrl);
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...init,
  });
  return { status: res.status, body: (await res.json()) as T };
}
