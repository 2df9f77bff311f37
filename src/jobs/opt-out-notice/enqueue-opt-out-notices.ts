import type { Queue } from 'bullmq';
import type { OptOutsListener } from '../../domain/ports.ts';
import { applyQueuePolicy } from '../registry.ts';
import { OPT_OUT_NOTICE_JOB_NAME, OPT_OUT_NOTICE_JOB_OPTIONS, optOutNoticeJobId, type OptOutNoticeJobData } from './job.ts';

// Apart from job.ts: registry.ts imports job.ts, and this imports registry.ts.

/**
 * The `onOptOuts` hook of recordInteractions and the API: one optout.notice job per opt-out.
 * Before its first job it sets the queue's global concurrency (registry.ts), as the tier tag
 * enqueuer does, since both share the queue.
 */
export function optOutNoticeEnqueuer(queue: Pick<Queue<OptOutNoticeJobData>, 'name' | 'addBulk' | 'setGlobalConcurrency'>): OptOutsListener {
  let limited: Promise<unknown> | null = null;
  return async (optOuts) => {
    if (optOuts.length === 0) return;
    limited ??= applyQueuePolicy(queue).catch((err: unknown) => {
      limited = null;
      throw err;
    });
    await limited;
    await queue.addBulk(optOuts.map(({ externalUserId, optOut }) => {
      const data: OptOutNoticeJobData = { externalUserId, source: optOut.source, at: optOut.at };
      return { name: OPT_OUT_NOTICE_JOB_NAME, data, opts: { ...OPT_OUT_NOTICE_JOB_OPTIONS, jobId: optOutNoticeJobId(data) } };
    }));
  };
}
