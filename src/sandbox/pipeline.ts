import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.ts';
import { API_ROUTES } from './api/routes.ts';
import type { TokenStore } from './api/token.ts';
import { ERR, fail, type ApiHandler, type ApiResult } from './api/types.ts';
import type { FaultInjector } from './faults.ts';
import { BodyTooLargeError, parseLoose, readBodyBytes, sendJson, sleep } from './http.ts';
import type { ConcurrencyGate, PathRateLimiter } from './limits.ts';
import type { CallRecorder, RecordedCall } from './recorder.ts';
import type { SandboxState } from './state.ts';
import type { SandboxCredentials } from './types.ts';

/** Everything a /cgi-bin call passes through. */
export interface ApiPipeline {
  state: SandboxState;
  credentials: SandboxCredentials;
  clock: Clock;
  log: Logger;
  faults: FaultInjector;
  calls: CallRecorder;
  tokens: TokenStore;
  limiter: PathRateLimiter;
  gate: ConcurrencyGate;
  /** Per-path latency; '*' for every other path. */
  latency: Readonly<Record<string, number>>;
}

/**
 * Handles one WeCom API call. Order matters and mirrors what a client can observe:
 * record → scripted faults → unknown path → rate limit → access_token → concurrency →
 * latency → handler. Faults come first so a test can inject any errcode on any path,
 * and concurrency is checked after auth so bad tokens never hold a slot.
 */
export async function handleApiCall(p: ApiPipeline, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const uploadMax = API_ROUTES.get(path)?.maxUploadBytes;
  let bytes: Buffer;
  try {
    bytes = await readBodyBytes(req, uploadMax);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, fail(ERR.invalidParam, error.message));
      return;
    }
    throw error;
  }
  // An upload's bytes are recorded by size only: a test reads the stored media instead.
  const raw = uploadMax === undefined ? bytes.toString('utf8') : '';
  const body = uploadMax === undefined ? parseLoose(raw) : { multipart: true, bytes: bytes.length };
  const record = p.calls.start({ method, path, query: Object.fromEntries(url.searchParams), body });
  const started = Date.now();
  const answer = (result: ApiResult): void => {
    record.errcode = result.errcode;
    p.log.debug({ method, path, errcode: result.errcode, ms: Date.now() - started }, 'sandbox api call');
    sendJson(res, 200, result);
  };

  const fault = p.faults.take(path);
  await sleep(fault.delayMs);
  if (fault.outcome?.kind === 'drop') {
    p.log.debug({ method, path }, 'sandbox fault: dropping the connection');
    req.socket.destroy();
    return;
  }
  if (fault.outcome) {
    answer(fail(fault.outcome.errcode, fault.outcome.errmsg));
    return;
  }
  const route = API_ROUTES.get(path);
  if (!route) {
    answer(fail(ERR.unknownApi, `sandbox: ${path} is not implemented`));
    return;
  }
  if (!p.limiter.hit(path)) {
    answer(fail(ERR.rateLimited, 'api freq out of limit'));
    return;
  }
  if (route.auth) {
    const denied = p.tokens.check(url.searchParams.get('access_token'));
    if (denied) {
      answer(denied);
      return;
    }
  }
  if (!p.gate.tryEnter(path)) {
    answer(fail(ERR.concurrencyLimited, 'api concurrent out of limit'));
    return;
  }
  try {
    await sleep(p.latency[path] ?? p.latency['*'] ?? 0);
    const upload = uploadMax === undefined ? undefined : { contentType: req.headers['content-type'] ?? '', bytes };
    answer(runHandler(p, route.handler, url, method, raw, record, upload));
  } finally {
    p.gate.leave(path);
  }
}

function runHandler(
  p: ApiPipeline,
  handler: ApiHandler,
  url: URL,
  method: string,
  raw: string,
  record: RecordedCall,
  upload?: { contentType: string; bytes: Buffer },
): ApiResult {
  let body: Record<string, unknown> = {};
  if (method === 'POST' && raw.trim() !== '') {
    const parsed = record.body;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return fail(ERR.badJson, 'data format error: request body is not a JSON object');
    }
    body = parsed as Record<string, unknown>;
  }
  try {
    return handler({ query: url.searchParams, body, state: p.state, credentials: p.credentials, tokens: p.tokens, clock: p.clock, ...(upload ? { upload } : {}) });
  } catch (error) {
    // A handler bug should look like WeCom's "system busy", not crash the connection.
    p.log.error({ err: error, path: url.pathname }, 'sandbox handler threw');
    return fail(ERR.systemBusy, 'system error');
  }
}
