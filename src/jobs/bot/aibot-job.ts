import type { JobsOptions } from 'bullmq';

export const AIBOT_COMMAND_JOB_NAME = 'bot.aibot';

/** Payload of a `bot.aibot` job: one member's text to the 智能机器人 (docs/wecom/aibot.md, 'Message JSON'). */
export interface AibotCommandJobData {
  /** WeCom's msgid. */
  msgId: string;
  /** from.userid as sent: a userid or an encrypted open_userid, resolved by the job. */
  fromUserId: string;
  chatType: 'single' | 'group';
  chatId?: string;
  /** As typed; never logged at info. */
  text: string;
  /** Where the one answer goes; a credential (its response_code), never logged. */
  responseUrl: string;
  /** When Fenji answered WeCom (ms). */
  receivedAt: number;
}

/** One job per message: a re-sent callback carries the same msgid, hence the same job id. */
export function aibotCommandJobId(msgId: string): string {
  // BullMQ job ids may not contain ':'; WeCom's msgid is base64 (+ / =).
  return `aibot-${Buffer.from(msgId, 'utf8').toString('base64url')}`;
}

/**
 * As bot.command: a few quick retries. A response_url lives an hour (docs/wecom/aibot.md,
 * 'Replying'), far longer than these. Completed jobs are kept that hour, so a callback
 * WeCom re-sends meanwhile finds its job and is not answered twice.
 */
export const AIBOT_COMMAND_JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
