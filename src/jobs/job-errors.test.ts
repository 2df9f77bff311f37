import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { WeComConfigurationError, WeComRateLimitedError } from '../wecom/api-errors.ts';
import { rethrowForJob } from './job-errors.ts';

const log = pino({ level: 'silent' });
const details = (errcode: number) => ({ errcode, errmsg: 'x', path: '/cgi-bin/externalcontact/get' });

function fakeJob() {
  const moveToDelayed = vi.fn(async () => undefined);
  return { job: { moveToDelayed } as unknown as Job, moveToDelayed };
}

describe('rethrowForJob', () => {
  it('parks a rate-limited job for retryAfterMs without spending an attempt', async () => {
    const { job, moveToDelayed } = fakeJob();
    const before = Date.now();
    await expect(rethrowForJob(new WeComRateLimitedError(details(45009), 60_000), job, 'tok', log)).rejects.toBeInstanceOf(DelayedError);
    const [[until, token]] = moveToDelayed.mock.calls as unknown as [[number, string]];
    expect(until).toBeGreaterThanOrEqual(before + 60_000);
    expect(token).toBe('tok');
  });

  it('fails a job for good on a configuration error', async () => {
    const { job, moveToDelayed } = fakeJob();
    await expect(rethrowForJob(new WeComConfigurationError(details(48002)), job, 'tok', log)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(moveToDelayed).not.toHaveBeenCalled();
  });

  it('lets any other error through for the queue backoff', async () => {
    const { job } = fakeJob();
    const err = new Error('redis went away');
    await expect(rethrowForJob(err, job, 'tok', log)).rejects.toBe(err);
  });
});
