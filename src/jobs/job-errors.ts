import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { WeComConfigurationError, WeComRateLimitedError } from '../wecom/api-errors.ts';
import { ConfigError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';

/**
 * What a failed handler's error means for its job, thrown back to BullMQ:
 * - WeCom rate limit: not a failure. The job waits out `retryAfterMs` (moved to delayed,
 *   no attempt spent), since hot retries only extend WeCom's block.
 * - Configuration (WeCom secret, permissions, trusted IP; our own config): no retry can
 *   help, so the job fails for good (UnrecoverableError) with the fix in the log.
 * - Anything else: retried with the queue's backoff.
 */
export async function rethrowForJob(err: unknown, job: Job, token: string | undefined, log: Logger): Promise<never> {
  if (err instanceof WeComRateLimitedError) {
    log.warn({ path: err.path, errcode: err.errcode, retryAfterMs: err.retryAfterMs }, 'WeCom rate limit: job waits and retries');
    await job.moveToDelayed(Date.now() + err.retryAfterMs, token);
    throw new DelayedError();
  }
  if (err instanceof WeComConfigurationError || err instanceof ConfigError) {
    const details = err instanceof WeComConfigurationError ? { path: err.path, errcode: err.errcode, hint: err.hint } : { problems: err.problems };
    log.error({ code: err.code, ...details }, 'configuration error: job failed for good, fix the configuration and retry it');
    throw new UnrecoverableError(err.message);
  }
  throw err;
}
