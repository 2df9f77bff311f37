import { UnrecoverableError, Worker, type Queue } from 'bullmq';
import type { WeComApi } from '../../wecom/api.ts';
import { WeComConfigurationError, WeComRateLimitedError } from '../../wecom/api-errors.ts';
import { optOutNoticeText } from '../../domain/contacts/opt-out-notice.ts';
import type { ContactReads } from '../../domain/ports.ts';
import type { Logger } from '../../shared/logger.ts';
import type { JobHandler } from '../queue-worker.ts';
import type { OptOutNoticeJobData } from './job.ts';

export interface OptOutNoticeDeps {
  store: Pick<ContactReads, 'get'>;
  api: Pick<WeComApi, 'sendAppMessage'>;
}

export interface OptOutNoticeJobDeps extends OptOutNoticeDeps {
  /** The wecom-outbound queue, to pause it when WeCom says "rate limited". */
  queue: Pick<Queue, 'rateLimit'>;
}

/**
 * WeCom drops an identical app message to the same member within this many seconds
 * (enable_duplicate_check; docs/wecom/api.md, 'App messages'): a job retried after a crash
 * between sending and completing does not tell the rep twice.
 */
const DUPLICATE_CHECK_SECONDS = 4 * 3600;

/**
 * Tells each rep with an active relation, in one app message each (named by that rep's
 * remark), that the customer opted out. Nothing when the record no longer holds this
 * opt-out (the rep reversed it, or a later one replaced it, before the job ran) or the
 * customer has no rep left.
 */
export async function notifyOptOut(deps: OptOutNoticeDeps, data: OptOutNoticeJobData): Promise<{ sent: number; skipped?: 'not_current' | 'no_rep' }> {
  const record = await deps.store.get(data.externalUserId);
  const optOut = record?.optOut;
  if (!record || !optOut || optOut.source !== data.source || optOut.at !== data.at) return { sent: 0, skipped: 'not_current' };
  const reps = record.contact.follows.filter((f) => f.status === 'active');
  if (reps.length === 0) return { sent: 0, skipped: 'no_rep' };
  for (const rep of reps) {
    const customer = rep.remark || record.contact.name || record.contact.externalUserId;
    await deps.api.sendAppMessage({
      touser: rep.userId, msgtype: 'text', text: { content: optOutNoticeText(customer, optOut.keyword) },
      enable_duplicate_check: 1, duplicate_check_interval: DUPLICATE_CHECK_SECONDS,
    });
  }
  return { sent: reps.length };
}

/** `optout.notice` on wecom-outbound: 45009/45033 pause the queue (no attempt used), configuration errors fail at once. */
export function optOutNoticeJobHandler(deps: OptOutNoticeJobDeps): JobHandler {
  return async (job, _token, jobLog) => {
    const data = job.data as OptOutNoticeJobData;
    const log: Logger = jobLog.child({ externalUserId: data.externalUserId });
    try {
      const result = await notifyOptOut(deps, data);
      log.info(result, 'opt-out notice');
      return result;
    } catch (err) {
      if (err instanceof WeComRateLimitedError) {
        log.warn({ kind: err.kind, retryAfterMs: err.retryAfterMs }, 'WeCom rate limit: pausing opt-out notices');
        await deps.queue.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (err instanceof WeComConfigurationError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
