import type { JobsOptions } from 'bullmq';

/** `optout.notice` on wecom-outbound: tell a customer's reps (app message) that they opted out. */
export const OPT_OUT_NOTICE_JOB_NAME = 'optout.notice';

/** The opt-out a notice is for; the job checks it is still the one the record holds. */
export interface OptOutNoticeJobData {
  externalUserId: string;
  /** The message it came from (OptOut.source) and its time. */
  source: string;
  at: number;
}

/**
 * Completed notices stay a week (their ids make a re-reported opt-out, e.g. a kf page read
 * again, a no-op meanwhile); retries back off from 5 s. Rate limits do not use attempts.
 */
export const OPT_OUT_NOTICE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5000, jitter: 0.5 },
  removeOnComplete: { age: 7 * 86_400, count: 100_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/** One job per opt-out (contact and message): reported twice, queued once. BullMQ ids may not contain ':'. */
export function optOutNoticeJobId(data: OptOutNoticeJobData): string {
  return `optout-notice.${data.externalUserId.replaceAll(':', '_')}.${data.at}.${data.source.replaceAll(':', '_')}`;
}
