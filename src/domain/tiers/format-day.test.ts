import { describe, expect, it } from 'vitest';
import { formatDay } from './format-day.ts';

function reference(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, month: '2-digit', day: '2-digit' }).formatToParts(new Date(ms));
  return `${parts.find((p) => p.type === 'month')!.value}-${parts.find((p) => p.type === 'day')!.value}`;
}

describe('formatDay', () => {
  it('shows the day in the business time zone', () => {
    // 2025-11-20 17:30 UTC is already 11-21 in Shanghai.
    expect(formatDay(Date.UTC(2025, 10, 20, 17, 30), 'Asia/Shanghai')).toBe('11-21');
    expect(formatDay(Date.UTC(2025, 10, 20, 15, 59, 59, 999), 'Asia/Shanghai')).toBe('11-20');
    expect(formatDay(Date.UTC(2025, 10, 20, 16), 'Asia/Shanghai')).toBe('11-21');
  });

  it('agrees with a fresh formatter at and around day boundaries and DST changes, memoised or not', () => {
    const zones = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Europe/Berlin'];
    const start = Date.UTC(2024, 0, 1);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const zone of zones) {
      for (let i = 0; i < 150; i++) {
        // Around every quarter hour of many days, including the instants either side of it.
        const slice = start + Math.floor(random() * 2 * 365 * 96) * 15 * 60_000;
        for (const ms of [slice - 1, slice, slice + 1, slice + Math.floor(random() * 15 * 60_000)]) {
          expect(formatDay(ms, zone), `${zone} ${new Date(ms).toISOString()}`).toBe(reference(ms, zone));
          expect(formatDay(ms, zone)).toBe(reference(ms, zone));
        }
      }
    }
  });

  it('formats an old instant whose offset is not a multiple of 15 minutes exactly', () => {
    // Shanghai's local mean time before 1901 was +08:05:43.
    for (const ms of [Date.UTC(1900, 0, 1, 15, 54, 16), Date.UTC(1900, 0, 1, 15, 54, 18), Date.UTC(1900, 0, 1, 15, 59)]) {
      expect(formatDay(ms, 'Asia/Shanghai')).toBe(reference(ms, 'Asia/Shanghai'));
    }
  });
});
