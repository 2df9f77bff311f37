import { DelayedError } from 'bullmq';
import type { OutboxPart, RedisBotOutbox } from '../../adapters/redis/bot-state.ts';
import { answerMessage, type BotDeps } from '../../domain/bot/answer-message.ts';
import { rethrowForJob } from '../job-errors.ts';
import type { JobHandler } from '../queue-worker.ts';
import type { AibotJobDeps } from './aibot-command-job.ts';
import { uploadAnswerFile, type AnswerFileDeps } from './answer-file.ts';
import type { BotCommandJobData } from './job.ts';
import { sendAnswer, type SendAnswerDeps } from './send-answer.ts';

export interface BotJobDeps {
  bot: BotDeps;
  send: SendAnswerDeps & { outbox: Pick<RedisBotOutbox, 'hasReply'> };
  /** The 智能机器人's replies and sender ids (bot.aibot); absent while its route is off. */
  aibot?: Omit<AibotJobDeps, 'bot'>;
  /** Renders and uploads an answer's file (报表 导出). */
  files: AnswerFileDeps;
}

/**
 * `bot.command`: answers one member message. The answer is composed once (a retried or
 * resumed job sends the stored one), then sent part by part within the member's budget;
 * when the budget is spent the job waits in BullMQ's delayed set and resumes where it stopped.
 * A file (报表 导出) is uploaded while composing and stored with the text as one more part.
 * Logs who asked and how many parts went out, never the text.
 */
export function botCommandJobHandler(deps: BotJobDeps): JobHandler {
  return async (job, token, log) => {
    const data = job.data as BotCommandJobData;
    const jobId = job.id ?? `bot-${data.msgId}`;
    try {
      let text = '';
      const files: OutboxPart[] = [];
      if (!(await deps.send.outbox.hasReply(jobId))) {
        const answer = await answerMessage({ userId: data.userId, messageId: data.msgId, text: data.text, at: data.receivedAt }, deps.bot);
        if (!answer) {
          log.info({ userId: data.userId }, 'bot command dropped: member over the flood limit');
          return;
        }
        text = answer.text;
        if (answer.file) files.push(await uploadAnswerFile(answer.file, deps.files));
      }
      const outcome = await sendAnswer(jobId, data.userId, text, deps.send, files);
      if (!outcome.done) {
        log.info({ userId: data.userId, sent: outcome.sent, parts: outcome.parts, waitMs: outcome.waitMs }, 'bot answer waits for the member\'s message budget');
        await job.moveToDelayed(Date.now() + outcome.waitMs, token);
        throw new DelayedError();
      }
      log.info({ userId: data.userId, parts: outcome.parts }, 'bot command answered');
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      await rethrowForJob(err, job, token, log);
    }
  };
}
