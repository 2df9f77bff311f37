import { describe, expect, it } from 'vitest';
import { groupMsgLimiter } from './limiter.ts';

describe('groupMsgLimiter', () => {
  it.each([30, 60, 100, 1000, 3000, 10_000])('at %i a minute: no WeCom minute over the quota, at least 0.9 of it sent', (quota) => {
    const { max, duration } = groupMsgLimiter(quota);
    // A WeCom minute placed anywhere overlaps at most ceil(60 s / duration) + 2 limiter windows.
    expect((Math.ceil(60_000 / duration) + 2) * max).toBeLessThanOrEqual(quota);
    expect((60_000 / duration) * max).toBeGreaterThanOrEqual(0.9 * quota);
  });
});
