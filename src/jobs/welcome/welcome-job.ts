import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { WeComRateLimitedError } from '../../wecom/api-errors.ts';
import type { Metrics, WelcomeOutcome } from '../../observability/metrics.ts';
import type { JobHandler } from '../queue-worker.ts';
import type { WelcomeJobData } from './job.ts';
import { attemptWelcome, type SendWelcomeDeps } from './send-welcome.ts';

export type WelcomeJobDeps = SendWelcomeDeps & { metrics: Pick<Metrics, 'welcomes' | 'welcomeLatency'> };

/** What a job records once WeCom has answered for its code (job progress): a rerun does not call again. */
interface Answered {
  answered: WelcomeOutcome;
}

const MESSAGES: Record<WelcomeOutcome, string> = {
  sent: 'welcome message sent',
  late: "welcome dropped: past WeCom's 20 s from the add",
  invalid_code: 'welcome refused by WeCom: code invalid, expired or used; not retried',
  failed: 'welcome not sent',
};

/**
 * `welcome.send`: one attempt (send-welcome.ts), then what it means for the job. Final
 * outcomes are counted (fenji_welcomes_total) and logged once at info, without the code;
 * `failed` also fails the job for good (it stays in the failed set to look at). A transient
 * failure is retried (BullMQ's short fixed backoff) or, for a rate limit, waits out WeCom's
 * window without spending an attempt.
 *
 * Never twice for one code: the job id is the code's (job.ts), so a replayed event adds
 * nothing; and once WeCom has answered, the job records it before anything else can fail,
 * so a rerun of the same job (a crash, a stalled lock) does not call WeCom again.
 */
export function welcomeJobHandler(deps: WelcomeJobDeps): JobHandler {
  return async (job: Job, token, log) => {
    const data = job.data as WelcomeJobData;
    const fields = { userId: data.userId, externalUserId: data.externalUserId, state: data.state ?? '' };
    const earlier = answeredBefore(job.progress);
    if (earlier) {
      log.info({ ...fields, outcome: earlier }, 'welcome already answered by WeCom in an earlier run: not sent again');
      return earlier;
    }
    const result = await attemptWelcome(data, deps, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) });
    if ('retryInMs' in result) {
      if (result.err instanceof WeComRateLimitedError) {
        log.warn({ ...fields, errcode: result.err.errcode, retryAfterMs: result.retryInMs }, 'WeCom rate limit: welcome waits and retries');
        await job.moveToDelayed(Date.now() + result.retryInMs, token);
        throw new DelayedError();
      }
      throw result.err;
    }
    const { outcome, at } = result;
    if (outcome === 'sent' || outcome === 'invalid_code') await job.updateProgress({ answered: outcome } satisfies Answered);
    deps.metrics.welcomes.inc({ outcome });
    const sinceAdd = at - data.addedAt;
    if (outcome === 'sent') deps.metrics.welcomeLatency.observe(Math.max(0, sinceAdd) / 1000);
    const errcode = result.err instanceof Error && 'errcode' in result.err ? result.err.errcode : undefined;
    const line = { ...fields, outcome, sinceAddMs: sinceAdd, ...(errcode === undefined ? {} : { errcode }) };
    if (outcome !== 'failed') {
      log.info(line, MESSAGES[outcome]);
      return outcome;
    }
    log.warn({ ...line, err: result.err }, MESSAGES.failed);
    throw new UnrecoverableError(`${MESSAGES.failed}: ${result.err instanceof Error ? result.err.message : String(result.err)}`);
  };
}

function answeredBefore(progress: unknown): WelcomeOutcome | undefined {
  if (typeof progress !== 'object' || progress === null || !('answered' in progress)) return undefined;
  return (progress as Answered).answered;
}
