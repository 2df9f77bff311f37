import { describe, expect, it } from 'vitest';
import { createQueueWorker } from './queue-worker.ts';
import { QUEUE_NAMES } from './queues.ts';
import { JOBS, jobsOf, QUEUES } from './registry.ts';

describe('job registry', () => {
  it('gives every queue a policy and at least one job, and every job a known queue', () => {
    const names = Object.values(QUEUE_NAMES);
    expect(Object.keys(QUEUES).sort()).toEqual([...names].sort());
    for (const name of names) expect(jobsOf(name).length, name).toBeGreaterThan(0);
    for (const [job, entry] of Object.entries(JOBS)) expect(names, job).toContain(entry.queue);
  });

  it('names each schedule once', () => {
    const ids = Object.values(JOBS).flatMap((e) => (e.schedule ? [e.schedule.id] : []));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a worker for a job the registry does not list on that queue', () => {
    const base = { connection: {} as never, prefix: 'x', log: {} as never };
    expect(() => createQueueWorker(QUEUE_NAMES.value, { 'value.unlisted': async () => undefined }, base)).toThrow(/not registered on queue value/);
    expect(() => createQueueWorker(QUEUE_NAMES.value, { 'callback.handle': async () => undefined }, base)).toThrow(/not registered on queue value/);
  });
});
