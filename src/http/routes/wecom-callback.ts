import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { CallbackIntake } from '../../ingress/callback-intake.ts';
import type { CallbackOutcome, Metrics } from '../../observability/metrics.ts';
import type { Clock } from '../../shared/clock.ts';
import { CallbackRejectedError, CallbackUnusableError, ClientAbortedError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { openCallback, openEchostr, type CallbackSecrets } from '../../wecom/open-callback.ts';
import { queryOf } from './callback-query.ts';
import { readRawBody } from '../raw-body.ts';

export interface CallbackRouteDeps {
  secrets: CallbackSecrets;
  maxBodyBytes: number;
  intake: CallbackIntake;
  metrics: Metrics;
  clock: Clock;
  log: Logger;
}

/**
 * GET and POST /wecom/callback (docs/wecom/callbacks.md). The POST path thinks as little as possible:
 * verify, decrypt, parse, make durable, answer an empty 200 well inside WeCom's 5 s.
 */
export function mountWeComCallback(router: Router, deps: CallbackRouteDeps): void {
  const log = deps.log.child({ component: 'callback' });

  router.get('/wecom/callback', (ctx) => {
    try {
      const plain = openEchostr(deps.secrets, queryOf(ctx), deps.clock.now());
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = plain;
      log.info('callback URL verified');
    } catch (err) {
      reject(ctx, err, 'verification');
    }
  });

  router.post('/wecom/callback', async (ctx) => {
    const started = performance.now();
    let outcome: CallbackOutcome = 'rejected';
    try {
      const body = await readRawBody(ctx.req, deps.maxBodyBytes);
      const opened = openCallback(deps.secrets, queryOf(ctx), body, deps.clock.now());
      const result = await deps.intake.accept({
        dedupeKey: opened.dedupeKey,
        receivedAt: deps.clock.now(),
        event: opened.event,
      });
      outcome = result === 'duplicate' ? 'duplicate' : 'accepted';
      ctx.status = 200;
      ctx.body = '';
      log.debug({ dedupeKey: opened.dedupeKey, kind: opened.event.kind, result }, 'callback taken');
    } catch (err) {
      if (err instanceof ClientAbortedError) {
        outcome = 'aborted';
        log.debug({ code: err.code, ip: ctx.ip }, 'callback client hung up mid-body');
        return;
      }
      if (err instanceof CallbackUnusableError) {
        // Signed, so WeCom's own: a retry would bring the same bytes. Answer 200 and drop it.
        outcome = 'unusable';
        ctx.status = 200;
        ctx.body = '';
        log.warn({ code: err.code, field: err.field, reason: err.message }, 'signed callback dropped: unusable event');
        return;
      }
      if (!(err instanceof CallbackRejectedError)) {
        outcome = 'unavailable';
        throw err;
      }
      reject(ctx, err, 'event');
    } finally {
      deps.metrics.callbacks.inc({ outcome });
      deps.metrics.callbackDuration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  });

  function reject(ctx: Context, err: unknown, what: string): void {
    if (!(err instanceof CallbackRejectedError)) throw err;
    ctx.status = err.status;
    ctx.body = { error: err.code };
    // The reason is logged, never the payload: it may be a forged body.
    log.warn({ code: err.code, reason: err.message, ip: ctx.ip }, `callback ${what} rejected`);
  }
}
