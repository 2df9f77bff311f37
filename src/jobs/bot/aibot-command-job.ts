import { UnrecoverableError } from 'bullmq';
import { AibotResponseUrlError, type AibotResponder } from '../../adapters/wecom-api/aibot-responder.ts';
import type { WeComApi } from '../../wecom/api.ts';
import { WeComApiError, WeComRateLimitedError } from '../../wecom/api-errors.ts';
import type { RedisBotOutbox } from '../../adapters/redis/bot-state.ts';
import { answerMessage, type BotDeps } from '../../domain/bot/answer-message.ts';
import type { Logger } from '../../shared/logger.ts';
import { aibotMarkdown } from '../../wecom/aibot-reply.ts';
import { rethrowForJob } from '../job-errors.ts';
import type { JobHandler } from '../queue-worker.ts';
import type { AibotCommandJobData } from './aibot-job.ts';

export interface AibotJobDeps {
  bot: BotDeps;
  outbox: Pick<RedisBotOutbox, 'prepare' | 'hasReply' | 'markSent'>;
  responder: Pick<AibotResponder, 'replyMarkdown'>;
  api: Pick<WeComApi, 'openUserIdToUserId'>;
}

/**
 * `bot.aibot`: answers one message to the 智能机器人 with the app's command pipeline
 * (answerMessage; in a group, its group rule) and one markdown reply on the message's
 * response_url (docs/wecom/aibot.md, 'Replying'). The answer is stored before it is sent,
 * and marked sent after: a retried job sends the stored answer, or nothing once sent. A
 * crash between the POST and the mark sends it again, and WeCom refuses a second use of
 * the URL: the member still reads one answer.
 */
export function aibotCommandJobHandler(deps: AibotJobDeps): JobHandler {
  return async (job, token, log) => {
    const data = job.data as AibotCommandJobData;
    const jobId = job.id ?? `aibot-${data.msgId}`;
    try {
      let markdown = '';
      let userId = '(stored)';
      if (!(await deps.outbox.hasReply(jobId))) {
        userId = await memberOf(data.fromUserId, deps.api, log);
        const inGroup = data.chatType === 'group';
        const answer = await answerMessage({ userId, messageId: data.msgId, text: data.text, at: data.receivedAt, inGroup }, deps.bot);
        if (!answer) {
          log.info({ userId }, '智能机器人 command dropped: member over the flood limit');
          return;
        }
        markdown = aibotMarkdown(answer.text);
      }
      const { parts, sent } = await deps.outbox.prepare(jobId, [markdown]);
      if (sent >= 1) return;
      // Only text goes back by response_url: a file (报表 导出) is for the app chat, whose
      // answer text says so; the outbox here only ever holds the one markdown part.
      const reply = typeof parts[0] === 'string' ? parts[0] : markdown;
      await deps.responder.replyMarkdown(data.responseUrl, reply);
      await deps.outbox.markSent(jobId, 1);
      log.info({ userId, chatType: data.chatType, bytes: Buffer.byteLength(reply, 'utf8') }, '智能机器人 command answered');
    } catch (err) {
      if (err instanceof AibotResponseUrlError || (err instanceof WeComApiError && err.path.endsWith('/aibot/response'))) {
        // A URL not WeCom's, or one WeCom refuses (used, or past its hour): no retry can answer on it.
        log.warn({ code: err.code, errcode: (err as Partial<WeComApiError>).errcode }, '智能机器人 answer not deliverable: job failed for good');
        throw new UnrecoverableError(err.message);
      }
      await rethrowForJob(err, job, token, log);
    }
  };
}

/**
 * The member's userid: from.userid may be an encrypted open_userid (docs/wecom/aibot.md,
 * 'Who is asking'), converted with the app's token; a plain userid comes back as itself.
 * If WeCom cannot convert it (not in the app's visibility, no permission), the id is kept
 * as given: it then matches no manager and no rep, and the member is refused politely.
 */
async function memberOf(fromUserId: string, api: AibotJobDeps['api'], log: Logger): Promise<string> {
  try {
    const answer = await api.openUserIdToUserId([fromUserId]);
    const found = answer.userid_list?.find((u) => u.open_userid === fromUserId)?.userid;
    if (found) return found;
    log.debug('智能机器人 sender not converted: kept as given');
  } catch (err) {
    if (!(err instanceof WeComApiError) || err instanceof WeComRateLimitedError) throw err;
    log.warn({ errcode: err.errcode }, 'openuserid_to_userid refused: the 智能机器人 sender is kept as given');
  }
  return fromUserId;
}
