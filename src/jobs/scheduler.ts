import type { Queue } from 'bullmq';
import type { Logger } from '../shared/logger.ts';
import type { QueueName } from './queues.ts';
import { applyQueuePolicy, jobsOf } from './registry.ts';

/**
 * Makes one queue's job schedulers what the registry lists: its global concurrency set,
 * every listed schedule upserted (idempotent across restarts and scheduler processes), and
 * every other job scheduler on it removed, so a schedule dropped from the registry stops
 * at the next start. Cron patterns run in `timeZone` (FENJI_TIMEZONE). Returns the ids removed.
 */
export async function syncQueueSchedules(queue: Queue, timeZone: string): Promise<string[]> {
  await applyQueuePolicy(queue);
  const listed = jobsOf(queue.name as QueueName).flatMap(([name, entry]) => (entry.schedule ? [{ name, entry, schedule: entry.schedule }] : []));
  const removed: string[] = [];
  for (const existing of await queue.getJobSchedulers()) {
    if (listed.some((l) => l.schedule.id === existing.key)) continue;
    await queue.removeJobScheduler(existing.key);
    removed.push(existing.key);
  }
  for (const { name, entry, schedule } of listed) {
    const repeat = 'every' in schedule ? { every: schedule.every } : { pattern: schedule.pattern, tz: timeZone };
    await queue.upsertJobScheduler(schedule.id, repeat, {
      name,
      ...(schedule.data ? { data: schedule.data } : {}),
      ...(entry.options ? { opts: entry.options } : {}),
    });
  }
  return removed;
}

/** The scheduler role's start: every queue's schedules synced with the registry. */
export async function startSchedules(queues: Iterable<Queue>, timeZone: string, log: Logger): Promise<void> {
  const removed: string[] = [];
  for (const queue of queues) removed.push(...await syncQueueSchedules(queue, timeZone));
  if (removed.length > 0) log.info({ removed }, 'job schedules no longer listed removed');
}
