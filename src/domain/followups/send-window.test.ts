import { describe, expect, it } from 'vitest';
import { addDays, instantOf, localDateOf, localMinuteOf } from './local-time.ts';
import { followUpPolicySchema } from './policy.ts';
import { isSendAllowed, nextSendAllowedAt } from './send-window.ts';

const SH = 'Asia/Shanghai';
/** 2026-01-05 (a Monday) at hh:mm in Shanghai (UTC+8). */
const sh = (hh: number, mm = 0, day = 5) => Date.UTC(2026, 0, day, hh - 8, mm);
const text = { everyDays: 1, text: '你好' };
const hours = (sendWindow: [string, string], quietHours: [string, string]) =>
  followUpPolicySchema.parse({
    tiers: { A: text, B: text, C: text, D: text },
    sendWindow: { from: sendWindow[0], to: sendWindow[1] },
    quietHours: { from: quietHours[0], to: quietHours[1] },
  });

describe('local time in the business time zone', () => {
  it('reads the local date and minute, across midnight', () => {
    expect(localDateOf(sh(23, 59), SH)).toEqual({ year: 2026, month: 1, day: 5 });
    expect(localDateOf(sh(24), SH)).toEqual({ year: 2026, month: 1, day: 6 });
    expect(localMinuteOf(sh(0, 30), SH)).toBe(30);
    expect(localMinuteOf(sh(21, 15), SH)).toBe(21 * 60 + 15);
  });

  it('maps a local date and minute back to the instant, and adds calendar days across months', () => {
    expect(instantOf({ year: 2026, month: 1, day: 5 }, 9 * 60, SH)).toBe(sh(9));
    expect(addDays({ year: 2026, month: 1, day: 30 }, 3)).toEqual({ year: 2026, month: 2, day: 2 });
    expect(addDays({ year: 2026, month: 3, day: 1 }, -1)).toEqual({ year: 2026, month: 2, day: 28 });
  });

  it('keeps the local time across a DST change (New York, 2026-03-08)', () => {
    const ny = 'America/New_York';
    const before = instantOf({ year: 2026, month: 3, day: 7 }, 10 * 60, ny);
    const after = instantOf(addDays(localDateOf(before, ny), 1), 10 * 60, ny);
    expect(after - before).toBe(23 * 3_600_000);
    expect(localMinuteOf(after, ny)).toBe(10 * 60);
  });
});

describe('send window and quiet hours', () => {
  const defaults = hours(['10:00', '12:00'], ['21:00', '09:00']);

  it('allows only inside the window: [from, to)', () => {
    expect(isSendAllowed(sh(9, 59), defaults, SH)).toBe(false);
    expect(isSendAllowed(sh(10), defaults, SH)).toBe(true);
    expect(isSendAllowed(sh(11, 59), defaults, SH)).toBe(true);
    expect(isSendAllowed(sh(12), defaults, SH)).toBe(false);
  });

  it('quiet hours across midnight in Asia/Shanghai: 21:00-09:00 blocks late evening and early morning', () => {
    const allDay = hours(['00:00', '24:00'], ['21:00', '09:00']);
    expect(isSendAllowed(sh(20, 59), allDay, SH)).toBe(true);
    expect(isSendAllowed(sh(21), allDay, SH)).toBe(false);
    expect(isSendAllowed(sh(23, 30), allDay, SH)).toBe(false);
    expect(isSendAllowed(sh(0, 30, 6), allDay, SH)).toBe(false);
    expect(isSendAllowed(sh(8, 59, 6), allDay, SH)).toBe(false);
    expect(isSendAllowed(sh(9, 0, 6), allDay, SH)).toBe(true);
    // 23:30 on the 5th → 09:00 on the 6th; 00:30 on the 6th → 09:00 the same day.
    expect(nextSendAllowedAt(sh(23, 30), allDay, SH)).toBe(sh(9, 0, 6));
    expect(nextSendAllowedAt(sh(0, 30, 6), allDay, SH)).toBe(sh(9, 0, 6));
  });

  it('next allowed time: now when allowed, else the next window opening outside quiet hours', () => {
    expect(nextSendAllowedAt(sh(10, 30), defaults, SH)).toBe(sh(10, 30));
    expect(nextSendAllowedAt(sh(8), defaults, SH)).toBe(sh(10));
    expect(nextSendAllowedAt(sh(12), defaults, SH)).toBe(sh(10, 0, 6));
    expect(nextSendAllowedAt(sh(22), defaults, SH)).toBe(sh(10, 0, 6));
  });

  it('a window that overlaps quiet hours opens where quiet hours end', () => {
    const evening = hours(['20:00', '10:00'], ['21:00', '09:00']);
    expect(isSendAllowed(sh(20, 30), evening, SH)).toBe(true);
    expect(nextSendAllowedAt(sh(21, 30), evening, SH)).toBe(sh(9, 0, 6));
    expect(nextSendAllowedAt(sh(10, 30, 6), evening, SH)).toBe(sh(20, 0, 6));
  });

  it('refuses a window wholly inside quiet hours, an empty span and a malformed time', () => {
    const problems = (input: object) => followUpPolicySchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const base = { tiers: { A: text, B: text, C: text, D: text }, quietHours: { from: '21:00', to: '09:00' } };
    expect(problems({ ...base, sendWindow: { from: '22:00', to: '23:00' } })).toEqual(['sendWindow: sendWindow lies wholly inside quietHours: follow-ups could never be sent']);
    expect(problems({ ...base, sendWindow: { from: '10:00', to: '10:00' } })).toEqual(['sendWindow: from and to must differ (use 00:00-24:00 for the whole day)']);
    expect(problems({ ...base, sendWindow: { from: '9:00', to: '25:00' } })).toEqual([
      'sendWindow.from: must be a time of day as "HH:MM" (00:00-24:00)',
      'sendWindow.to: must be a time of day as "HH:MM" (00:00-24:00)',
    ]);
  });
});
