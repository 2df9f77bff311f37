import { describe, expect, it } from 'vitest';
import { dedupeTtlSeconds } from './callback-intake.ts';

describe('dedupeTtlSeconds', () => {
  it('keeps dedupe marks a day when the timestamp window is short or off', () => {
    expect(dedupeTtlSeconds(0)).toBe(86_400);
    expect(dedupeTtlSeconds(300)).toBe(86_400);
  });

  it('outlasts the whole span one signed callback can be accepted in (ahead of and behind our clock)', () => {
    expect(dedupeTtlSeconds(86_400)).toBeGreaterThan(2 * 86_400);
  });
});
