import { AppError } from '../shared/errors.ts';

/**
 * Errors raised by the WeCom API client. Callers branch on the class (or `code`), never
 * on the message. Every error that carries a WeCom `errcode` is a `WeComApiError`, so
 * `instanceof WeComApiError` catches rate limits and configuration errors as well.
 * Error codes and actions: docs/wecom/api.md, 'Errcodes'.
 */

/** What WeCom answered, plus the API path that answered it (never the query string). */
export interface WeComErrorDetails {
  errcode: number;
  errmsg: string;
  path: string;
}

/** A WeCom API call answered with a non-zero `errcode` that has no more specific class. */
export class WeComApiError extends AppError {
  readonly errcode: number;
  readonly errmsg: string;
  readonly path: string;

  /** @param code - only for subclasses; callers keep the default. */
  constructor(details: WeComErrorDetails, code = 'wecom_api_error', message?: string) {
    // 502: from the point of view of our own HTTP clients, an upstream failed.
    super(code, message ?? `WeCom ${details.path} failed: ${details.errcode} ${details.errmsg}`, {
      status: 502,
      expose: false,
    });
    this.errcode = details.errcode;
    this.errmsg = details.errmsg;
    this.path = details.path;
  }
}

/** 45009 = frequency window exceeded; 45033 = too many concurrent calls to one API. */
export type WeComRateLimitKind = 'frequency' | 'concurrency';

/**
 * WeCom refused the call because of a rate limit. Do not retry hot: 45009 blocks for the
 * whole window that tripped (a minute at least), 45033 clears once concurrency drops.
 * Queue workers turn `retryAfterMs` into a queue-level pause.
 */
export class WeComRateLimitedError extends WeComApiError {
  readonly kind: WeComRateLimitKind;
  /** How long to wait before calling this API again. */
  readonly retryAfterMs: number;

  constructor(details: WeComErrorDetails, retryAfterMs: number) {
    const kind: WeComRateLimitKind = details.errcode === 45033 ? 'concurrency' : 'frequency';
    super(
      details,
      'wecom_rate_limited',
      `WeCom ${details.path} rate limited (${details.errcode} ${kind}); retry after ${retryAfterMs} ms`,
    );
    this.kind = kind;
    this.retryAfterMs = retryAfterMs;
  }
}

/** What an operator has to fix for each configuration errcode. */
const CONFIG_HINTS: Readonly<Record<number, string>> = {
  40001:
    'invalid secret: check WECOM_SECRET is the Secret of this self-built app ' +
    '(resetting it in the admin console invalidates the old one). Repeated bad-secret calls ' +
    'get the server IP blocked for about an hour, so fix the config before retrying',
  40013: 'invalid corpid: check WECOM_CORP_ID (我的企业 → 企业信息 → 企业ID)',
  48002:
    'no API permission: add this app to 客户联系 / 微信客服 → 可调用接口的应用, and use the app Secret, not another kind',
  60020: "untrusted IP: add this server's egress IP to the app's 企业可信IP (takes about a minute to apply)",
};

/** Errcodes that mean "the deployment is misconfigured"; retrying will not help. */
export const CONFIGURATION_ERRCODES: ReadonlySet<number> = new Set(
  Object.keys(CONFIG_HINTS).map(Number),
);

/** The deployment is misconfigured (secret, corp id, permissions, trusted IP). Alert a human. */
export class WeComConfigurationError extends WeComApiError {
  /** A sentence telling the operator what to change. */
  readonly hint: string;

  constructor(details: WeComErrorDetails) {
    const hint = CONFIG_HINTS[details.errcode] ?? 'check the WeCom app configuration';
    super(
      details,
      'wecom_config_error',
      `WeCom ${details.path} failed: ${details.errcode} ${details.errmsg}; ${hint}`,
    );
    this.hint = hint;
  }
}

/** The call never produced a WeCom answer: network failure, timeout, non-200 or non-JSON. */
export class WeComTransportError extends AppError {
  readonly path: string;

  constructor(path: string, reason: string, cause?: unknown) {
    super('wecom_unreachable', `WeCom ${path} unreachable: ${reason}`, {
      status: 503,
      expose: false,
      cause,
    });
    this.path = path;
  }
}
