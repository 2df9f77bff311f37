import type { Context } from 'koa';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/logger.ts';

/** One field problem of a 400 validation_failed: where (dotted path) and what. */
export interface FieldProblem {
  path: string;
  code: string;
  message: string;
}

/** `details` of an error: field problems (validation_failed), or what a 409 conflicts with. */
export type ErrorDetails = FieldProblem[] | Record<string, unknown>;

/** An API error with a stable code; `details` lists field problems or the conflicting record. */
export class ApiError extends AppError {
  readonly details: ErrorDetails | undefined;

  constructor(code: string, message: string, status: number, details?: ErrorDetails) {
    super(code, message, { status, expose: true });
    this.details = details;
  }
}

/** 400 validation_failed from zod issues; `where` prefixes paths (`query`, `body`, `params`). */
export function validationFailed(where: string, issues: readonly z.core.$ZodIssue[]): ApiError {
  const details = issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    // A custom check names its own stable code (e.g. not_well_formed_unicode).
    code: issue.code === 'custom' && typeof issue.params?.['code'] === 'string' ? issue.params['code'] : issue.code,
    message: issue.message,
  }));
  const first = details[0];
  return new ApiError('validation_failed', first ? `${first.path}: ${first.message}` : 'invalid request', 400, details);
}

export function contactNotFound(externalUserId: string): ApiError {
  return new ApiError('contact_not_found', `no contact with external_userid ${externalUserId}`, 404);
}

/**
 * Lost connection, offline queue off, command timeout: the producer connection's ways of
 * saying "Redis is not there right now" (it fails fast on purpose, see connections.ts).
 */
function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError'
    || /Connection is closed|Stream isn't writeable|Command timed out|ECONNREFUSED|ECONNRESET/.test(err.message);
}

/** The JSON body and status every API error answers with. */
export function errorResponse(err: unknown): { status: number; body: { error: { code: string; message: string; details?: ErrorDetails } } } {
  if (err instanceof AppError && err.expose) {
    const details = err instanceof ApiError ? err.details : undefined;
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(details ? { details } : {}) } } };
  }
  if (isStoreUnavailable(err)) {
    return { status: 503, body: { error: { code: 'store_unavailable', message: 'the database is not reachable right now; retry later' } } };
  }
  const status = err instanceof AppError ? err.status : 500;
  return { status, body: { error: { code: 'internal_error', message: 'internal error' } } };
}

/**
 * Koa middleware: every error under /api becomes `{ error: { code, message, details? } }`,
 * logged once (warn for 4xx, error for 5xx) with the code and client, never the body.
 */
export function apiErrors(log: Logger) {
  return async function apiErrors(ctx: Context, next: () => Promise<unknown>): Promise<void> {
    try {
      await next();
    } catch (err) {
      const { status, body } = errorResponse(err);
      ctx.status = status;
      ctx.body = body;
      if (status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="fenji"');
      const fields = { code: body.error.code, client: ctx.state.apiClient as string | undefined, ...(status >= 500 ? { err } : {}) };
      log[status >= 500 ? 'error' : 'warn'](fields, `${ctx.method} ${ctx.path} → ${status}`);
    }
  };
}

/** How far ahead of our clock a fact's time may be (the sender's clock may run fast). */
export const FUTURE_SKEW_MS = 10 * 60_000;

/** @throws ApiError validation_failed when `ms` lies in the future beyond FUTURE_SKEW_MS. */
export function assertNotFuture(path: string, ms: number | undefined, now: number): void {
  if (ms === undefined || ms <= now + FUTURE_SKEW_MS) return;
  const message = `must not be in the future (now is ${new Date(now).toISOString()})`;
  throw new ApiError('validation_failed', `${path}: ${message}`, 400, [{ path, code: 'in_future', message }]);
}
