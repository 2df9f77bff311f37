import { describe, expect, it } from 'vitest';
import { GroupMsgReceipts, receivePeriod } from './receive-cap.ts';

const bj = (local: string): number => Date.parse(`${local}+08:00`);

describe('receivePeriod (Beijing time)', () => {
  it('month: days in the month, across a year end and a leap February', () => {
    expect(receivePeriod('month', bj('2026-12-31T23:59:59'))).toEqual({ start: bj('2026-12-01T00:00:00'), end: bj('2027-01-01T00:00:00'), cap: 31 });
    expect(receivePeriod('month', bj('2027-01-01T00:00:00')).start).toBe(bj('2027-01-01T00:00:00'));
    expect(receivePeriod('month', bj('2028-02-10T12:00:00')).cap).toBe(29);
    expect(receivePeriod('month', bj('2027-02-10T12:00:00')).cap).toBe(28);
  });

  it('week: Monday 00:00 to the next Monday, also across a month end', () => {
    // Thursday 1 October 2026 (国庆) belongs to the week starting Monday 28 September.
    expect(receivePeriod('week', bj('2026-10-01T10:00:00'))).toEqual({ start: bj('2026-09-28T00:00:00'), end: bj('2026-10-05T00:00:00'), cap: 7 });
    expect(receivePeriod('week', bj('2026-10-04T23:59:59')).start).toBe(bj('2026-09-28T00:00:00'));
    expect(receivePeriod('week', bj('2026-10-05T00:00:00')).start).toBe(bj('2026-10-05T00:00:00'));
  });

  it('day: Beijing midnight to midnight, which is 16:00 UTC', () => {
    expect(receivePeriod('day', Date.UTC(2026, 8, 25, 15, 59))).toEqual({ start: Date.UTC(2026, 8, 24, 16), end: Date.UTC(2026, 8, 25, 16), cap: 1 });
  });
});

describe('GroupMsgReceipts', () => {
  it('refuses past the cap and counts only what it let through', () => {
    const receipts = new GroupMsgReceipts();
    receipts.rule = 'day';
    const at = bj('2026-09-25T09:30:00');
    expect([receipts.tryReceive('wm-a', at), receipts.tryReceive('wm-a', at + 1), receipts.tryReceive('wm-b', at)]).toEqual([true, false, true]);
    expect(receipts.count('wm-a', at)).toBe(1);
  });
});
