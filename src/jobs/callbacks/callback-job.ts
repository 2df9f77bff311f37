import type { Metrics } from '../../observability/metrics.ts';
import { rethrowForJob } from '../job-errors.ts';
import type { JobHandler } from '../queue-worker.ts';
import { handleCallbackEvent, type CallbackHandlerDeps } from './handle-callback-event.ts';
import type { CallbackJobData } from './job.ts';

export type CallbackJobDeps = CallbackHandlerDeps & { metrics: Metrics };

/** `callback.handle`: turns the event into facts, then observes the latency since Fenji answered WeCom. */
export function callbackJobHandler(deps: CallbackJobDeps): JobHandler {
  return async (job, token, log) => {
    const data = job.data as CallbackJobData;
    await handleCallbackEvent(data, deps, log).catch((err: unknown) => rethrowForJob(err, job, token, log));
    deps.metrics.jobLatency.observe({ queue: job.queueName }, Math.max(0, Date.now() - data.receivedAt) / 1000);
  };
}
