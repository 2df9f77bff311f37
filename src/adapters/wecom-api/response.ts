import {
  CONFIGURATION_ERRCODES,
  WeComApiError,
  WeComConfigurationError,
  WeComRateLimitedError,
  WeComTransportError,
} from '../../wecom/api-errors.ts';

/** Fields every WeCom JSON answer carries; `errcode` 0 means success. */
export interface WeComResponseBase {
  errcode: number;
  errmsg: string;
}

/** A parsed WeCom answer before we know which endpoint's shape it has. */
export type WeComRawResponse = WeComResponseBase & Record<string, unknown>;

/** errcodes meaning "this access_token is no good": drop it, refresh, retry once (docs/wecom/api.md, 'Errcodes'). */
export const TOKEN_REJECTED_ERRCODES: ReadonlySet<number> = new Set([40014, 42001, 40001]);

/** How long to back off on rate-limit answers. */
export interface RateLimitPolicy {
  /** 45009: WeCom blocks for the window that tripped, a minute at least. */
  frequencyRetryAfterMs: number;
  /** 45033: a short pause; jittered so that workers do not come back in lockstep. */
  concurrencyRetryAfterMs: number;
  random: () => number;
}

/**
 * Parses an HTTP body as a WeCom answer. WeCom answers HTTP 200 with a JSON object and a
 * numeric `errcode` even on errors; anything else came from something in between (a proxy,
 * a captive portal) and is reported as a transport failure.
 * @throws WeComTransportError when the body is not such an object.
 */
export function parseWeComResponse(path: string, text: string): WeComRawResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WeComTransportError(path, `answer is not JSON (${text.slice(0, 60)})`, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WeComTransportError(path, 'answer is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  if (typeof record['errcode'] !== 'number') {
    throw new WeComTransportError(path, 'answer has no numeric errcode');
  }
  return { ...record, errcode: record['errcode'], errmsg: String(record['errmsg'] ?? '') };
}

/** Maps a non-zero errcode to the error class that tells the caller what to do next. */
export function errorForResponse(
  path: string,
  response: WeComResponseBase,
  policy: RateLimitPolicy,
): WeComApiError {
  const details = { errcode: response.errcode, errmsg: response.errmsg, path };
  if (response.errcode === 45009) {
    return new WeComRateLimitedError(details, policy.frequencyRetryAfterMs);
  }
  if (response.errcode === 45033) {
    const base = policy.concurrencyRetryAfterMs;
    return new WeComRateLimitedError(details, Math.round(base / 2 + policy.random() * base));
  }
  if (CONFIGURATION_ERRCODES.has(response.errcode)) {
    return new WeComConfigurationError(details);
  }
  return new WeComApiError(details);
}

/** A short reason for a failed fetch, without the URL (it holds the access_token). */
export function describeFetchFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return `no answer within ${timeoutMs} ms`;
    }
    const cause = err.cause as { code?: unknown } | undefined;
    return typeof cause?.code === 'string' ? `${err.message} (${cause.code})` : err.message;
  }
  return String(err);
}
