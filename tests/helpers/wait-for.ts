import { Job, type Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { busyJobs } from './follow-up-results.ts';

/**
 * Waiting for a condition, the one way tests do it: poll with a deadline, never sleep and
 * hope (the machine running the suite may be slow and loaded).
 */

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls `check` until it returns something other than false, null or undefined, and returns
 * that. After `timeoutMs` throws, with `describe()` (the state last seen) in the message.
 */
export async function waitFor<T>(
  check: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  describe: string | (() => string | Promise<string>),
  { timeoutMs = 15_000, intervalMs = 20 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== false && result !== null && result !== undefined) return result;
    if (Date.now() > deadline) {
      throw new Error(`not within ${timeoutMs} ms: ${typeof describe === 'string' ? describe : await describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until job `id` on `queue` has completed or failed, and returns it. */
export async function waitForJob<D, R>(queue: Queue<D>, id: string, options?: WaitOptions): Promise<Job<D, R>> {
  let state = 'unknown';
  return waitFor(async () => {
    // State first, then the job: a job read before it completed would lack its returnvalue.
    state = await queue.getJobState(id);
    return state === 'completed' || state === 'failed' ? Job.fromId<D, R>(queue, id) : undefined;
  }, () => `job ${id} still ${state}`, options);
}

/** Waits until `queue` has completed or failed at least `expected` jobs in all. */
export async function waitForJobsDone(queue: Queue, expected: number, options?: WaitOptions): Promise<void> {
  let counts = {};
  await waitFor(async () => {
    counts = await queue.getJobCounts('completed', 'failed');
    return Object.values(counts).reduce((a: number, b) => a + (b as number), 0) >= expected;
  }, () => `${expected} jobs not done: ${JSON.stringify(counts)}`, options);
}

/**
 * Waits until no queue has a job waiting, running or delayed (follow-up read-backs waiting
 * for a later check aside, see busyJobs), twice in a row: a job that finishes may queue the
 * next one just after a poll. `alsoBusy` adds work outside the queues (e.g. a spool).
 */
export async function waitForQueuesIdle(
  queues: Queue[],
  { alsoBusy, ...options }: WaitOptions & { alsoBusy?: () => Promise<Record<string, number>> } = {},
): Promise<void> {
  let seen: Record<string, unknown> = {};
  let quiet = 0;
  await waitFor(async () => {
    const counts = await Promise.all(queues.map(async (q) => [q.name, await busyJobs(q)] as const));
    const extra = (await alsoBusy?.()) ?? {};
    seen = { ...Object.fromEntries(counts), ...extra };
    const busy = [...counts.flatMap(([, c]) => Object.values(c)), ...Object.values(extra)].some((n) => n > 0);
    quiet = busy ? 0 : quiet + 1;
    return quiet >= 2;
  }, () => `still busy: ${JSON.stringify(seen)}`, { intervalMs: 15, ...options });
}

/** Waits until an ioredis connection is ready (connected, and past its ready check). */
export async function redisReady(redis: Redis, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => redis.status === 'ready', () => `redis connection still ${redis.status}`, { timeoutMs, intervalMs: 10 });
}

/** Waits until BullMQ workers have both their connections ready and their main loop running. */
export async function workersRunning(workers: Worker[], timeoutMs = 15_000): Promise<void> {
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await waitFor(() => workers.every((w) => w.isRunning()), 'workers not running', { timeoutMs });
}
