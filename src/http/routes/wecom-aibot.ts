import type { Router } from '@koa/router';
import type { Context } from 'koa';
import type { AibotCommandJobData } from '../../jobs/bot/aibot-job.ts';
import { aibotCommandJobId } from '../../jobs/bot/aibot-job.ts';
import type { Clock } from '../../shared/clock.ts';
import { CallbackRejectedError, CallbackUnusableError, ClientAbortedError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { openAibotCallback, openAibotEchostr, type AibotSecrets } from '../../wecom/aibot-callback.ts';
import { queryOf } from './callback-query.ts';
import { readRawBody } from '../raw-body.ts';

export const AIBOT_PATH = '/wecom/aibot';

export interface AibotRouteDeps {
  secrets: AibotSecrets;
  maxBodyBytes: number;
  /** Queues a bot.aibot job under `jobId` (one per msgid: a re-sent callback queues nothing new). */
  enqueue(data: AibotCommandJobData, jobId: string): Promise<void>;
  clock: Clock;
  log: Logger;
}

/**
 * GET and POST /wecom/aibot, the 智能机器人's URL callback (docs/wecom/aibot.md, 'Callback
 * crypto'). POST: verify, decrypt, parse, queue the command, answer an empty 200 at once;
 * the answer goes later on the message's response_url (docs/wecom/aibot.md, 'Replying').
 * The queue is the durable step: if Redis cannot take the job, a 503 lets WeCom re-send.
 */
export function mountWeComAibot(router: Router, deps: AibotRouteDeps): void {
  const log = deps.log.child({ component: 'aibot-callback' });

  router.get(AIBOT_PATH, (ctx) => {
    try {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = openAibotEchostr(deps.secrets, queryOf(ctx), deps.clock.now());
      log.info('智能机器人 callback URL verified');
    } catch (err) {
      reject(ctx, err, 'verification');
    }
  });

  router.post(AIBOT_PATH, async (ctx) => {
    try {
      const body = await readRawBody(ctx.req, deps.maxBodyBytes);
      const message = openAibotCallback(deps.secrets, queryOf(ctx), body, deps.clock.now());
      if (message) {
        const { msgId, fromUserId, chatType, text, responseUrl } = message;
        const data: AibotCommandJobData = {
          msgId, fromUserId, chatType, text, responseUrl, receivedAt: deps.clock.now(), ...(message.chatId ? { chatId: message.chatId } : {}),
        };
        try {
          await deps.enqueue(data, aibotCommandJobId(msgId));
        } catch (err) {
          log.error({ err: { message: (err as Error).message } }, '智能机器人 message not queued: answered 503 for WeCom to re-send');
          ctx.status = 503;
          ctx.body = { error: 'queue_unavailable' };
          return;
        }
        log.debug({ chatType }, '智能机器人 message queued');
      }
      // An empty 200: taken, no passive reply (docs/wecom/aibot.md, 'Replying').
      ctx.status = 200;
      ctx.body = '';
    } catch (err) {
      if (err instanceof ClientAbortedError) return;
      if (err instanceof CallbackUnusableError) {
        ctx.status = 200;
        ctx.body = '';
        log.warn({ field: err.field, reason: err.message }, 'signed 智能机器人 callback dropped: unusable');
        return;
      }
      reject(ctx, err, 'message');
    }
  });

  function reject(ctx: Context, err: unknown, what: string): void {
    if (!(err instanceof CallbackRejectedError)) throw err;
    ctx.status = err.status;
    ctx.body = { error: err.code };
    log.warn({ code: err.code, reason: err.message, ip: ctx.ip }, `智能机器人 callback ${what} rejected`);
  }
}
