import { describe, expect, it } from 'vitest';
import { inQuietHours, quietHoursEnd } from './guards.ts';
import { receivePeriod } from './receive-rule.ts';

const SH = 'Asia/Shanghai';
/** 2026-02-hh:mm in Shanghai on `day`. */
const sh = (day: number, hh: number, mm = 0) => Date.UTC(2026, 1, day, hh - 8, mm);
const quiet = { from: 21 * 60, to: 9 * 60 };

describe('quiet hours, for every kind', () => {
  it('across midnight, and when they end', () => {
    expect(inQuietHours(sh(3, 20, 59), quiet, SH)).toBe(false);
    expect(inQuietHours(sh(3, 21), quiet, SH)).toBe(true);
    expect(quietHoursEnd(sh(3, 22), quiet, SH)).toBe(sh(4, 9));
    expect(quietHoursEnd(sh(4, 1), quiet, SH)).toBe(sh(4, 9));
    expect(quietHoursEnd(sh(4, 10), quiet, SH)).toBe(sh(4, 10));
  });
});

describe('WeCom’s receive periods (Beijing time)', () => {
  it('month: days in the month; week: Monday to Sunday, 7; day: 1', () => {
    expect(receivePeriod('month', sh(3, 10))).toEqual({ id: 'month:2026-02-01', end: sh(29, 0), cap: 28 });
    expect(receivePeriod('week', sh(4, 0, 30))).toEqual({ id: 'week:2026-02-02', end: sh(9, 0), cap: 7 });
    expect(receivePeriod('day', sh(4, 23, 59))).toEqual({ id: 'day:2026-02-04', end: sh(5, 0), cap: 1 });
  });
});
