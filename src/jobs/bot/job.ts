import type { JobsOptions } from 'bullmq';

export const BOT_COMMAND_JOB_NAME = 'bot.command';

/** Payload of a `bot.command` job: one member's text message to the app. */
export interface BotCommandJobData {
  /** The member's userid (FromUserName). */
  userId: string;
  /** As typed; never logged at info. */
  text: string;
  /** WeCom's MsgId (a string: 64 bits). */
  msgId: string;
  /** When Fenji answered WeCom (ms). */
  receivedAt: number;
}

/** One job per message: WeCom's retries of the callback carry the same MsgId, hence the same job id. */
export function botCommandJobId(callbackDedupeKey: string): string {
  return `bot-${callbackDedupeKey}`;
}

/** A few quick retries: an answer minutes late is worth little. Failed jobs stay a week to look at. */
export const BOT_COMMAND_JOB_OPTIONS: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
