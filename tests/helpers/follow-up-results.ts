import type { Job, Queue } from 'bullmq';
import { OUTREACH_RESULT_JOB_NAME, type OutreachResultJobData } from '../../src/jobs/outreach/job.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';

/**
 * Outreach read-backs (outreach.result) wait hours between checks as delayed BullMQ
 * jobs, in real time; tests move a fake clock instead. These helpers run the checks due
 * by that clock, and let "the queues are idle" ignore checks waiting for a later one.
 */

/** Read-backs waiting for their next check (delayed on the outreach queue). */
export async function waitingResultChecks(queue: Queue): Promise<Job<OutreachResultJobData>[]> {
  const delayed = (await queue.getDelayed()) as Job<OutreachResultJobData>[];
  return delayed.filter((job) => job.name === OUTREACH_RESULT_JOB_NAME);
}

/** Promotes the read-backs due by `now` (the fake clock), whatever their BullMQ delay; returns how many. */
export async function promoteDueResultChecks(queue: Queue, now: number): Promise<number> {
  const due = (await waitingResultChecks(queue)).filter((job) => job.data.checkAt <= now);
  for (const job of due) await job.promote();
  return due.length;
}

/** Jobs waiting, running or delayed on `queue`, but read-backs waiting for a later check. */
export async function busyJobs(queue: Queue): Promise<Record<string, number>> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  if (queue.name === QUEUE_NAMES.outreach) counts['delayed'] = Math.max(0, (counts['delayed'] ?? 0) - (await waitingResultChecks(queue)).length);
  return counts;
}
