import { randomUUID } from 'node:crypto';
import { Router } from '@koa/router';
import Koa from 'koa';
import { AppError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { createApi, type ApiDeps } from './routes/api/index.ts';
import { mountHealth, type HealthDeps } from './routes/health.ts';
import { mountWeComAibot, type AibotRouteDeps } from './routes/wecom-aibot.ts';
import { mountWeComCallback, type CallbackRouteDeps } from './routes/wecom-callback.ts';

export interface AppDeps {
  log: Logger;
  callback: CallbackRouteDeps;
  health: HealthDeps;
  /** The /api routes for business systems; absent = not mounted. */
  api?: ApiDeps;
  /** /wecom/aibot, WeCom's 智能机器人 callback; absent = not mounted (WECOM_AIBOT_TOKEN unset). */
  aibot?: AibotRouteDeps;
}

/** Builds the Koa app; never listens (tests and main.ts do). */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  const log = deps.log.child({ component: 'http' });

  app.use(async function errorHandler(ctx, next) {
    const reqId = ctx.get('x-request-id') || randomUUID();
    ctx.set('x-request-id', reqId);
    try {
      await next();
    } catch (err) {
      const known = err instanceof AppError;
      ctx.status = known ? err.status : 500;
      ctx.body = { error: known && err.expose ? err.code : 'internal_error' };
      const level = ctx.status >= 500 ? 'error' : 'warn';
      log[level]({ reqId, code: known ? err.code : 'internal_error', err }, `${ctx.method} ${ctx.path} failed`);
    }
  });

  // /api answers its own JSON errors ({ error: { code, message } }), so it sits inside errorHandler only as a net.
  if (deps.api) app.use(createApi(deps.api));
  const router = new Router();
  mountWeComCallback(router, deps.callback);
  if (deps.aibot) mountWeComAibot(router, deps.aibot);
  mountHealth(router, deps.health);
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (err: unknown) => {
    if (isClientHangUp(err)) log.debug({ code: (err as NodeJS.ErrnoException).code }, 'client closed the connection early');
    else log.error({ err }, 'unhandled koa error');
  });
  return app;
}

/**
 * Koa reports a connection the client closed before the exchange was over (its parser
 * sees the stream end mid-request, or a write meets a reset socket) as an app error.
 * That is the client's doing: worth a debug line, not an operator's page.
 */
const CLIENT_HANG_UP_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE', 'ERR_STREAM_PREMATURE_CLOSE']);

function isClientHangUp(err: unknown): boolean {
  return err instanceof Error && CLIENT_HANG_UP_CODES.has(String((err as NodeJS.ErrnoException).code));
}
