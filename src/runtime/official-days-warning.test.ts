import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { officialDays } from '../domain/calendar/official-days.ts';
import { instantOf } from '../domain/followups/local-time.ts';
import { warnAboutMissingOfficialDays } from './official-days-warning.ts';

function capture() {
  const lines: { level: number; msg: string; years?: number[] }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('warnAboutMissingOfficialDays: one start-up line when the next 60 days reach a year without 调休 data', () => {
  it('6 Dec 2026 (Asia/Shanghai): one warning naming 2027 and the overlay file', () => {
    const { log, lines } = capture();
    const now = instantOf({ year: 2026, month: 12, day: 6 }, 9 * 60, 'Asia/Shanghai');
    warnAboutMissingOfficialDays({ official: officialDays({}), overlayFile: '/srv/fenji/config/holidays-overlay.jsonc' }, now, 'Asia/Shanghai', log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, years: [2027] });
    // What an operator needs: which year, what Fenji does meanwhile, what to copy where.
    expect(lines[0]!.msg).toBe(
      'no official days off or make-up working days (调休) known for 2027, which the next 60 days reach: ' +
        'until they are, Fenji counts every day of 2027 as an ordinary day. When the State Council publishes its notice ' +
        '(国务院办公厅关于2027年部分节假日安排的通知, usually in November), copy it into /srv/fenji/config/holidays-overlay.jsonc, or upgrade chinese-days',
    );
  });

  it('the local date decides: 1 Nov 2026 23:30 UTC is already 2 Nov in Shanghai, 60 days reach 2027-01-01', () => {
    const now = Date.UTC(2026, 10, 1, 23, 30);
    const shanghai = capture();
    warnAboutMissingOfficialDays({ official: officialDays({}), overlayFile: 'x' }, now, 'Asia/Shanghai', shanghai.log);
    expect(shanghai.lines.map((l) => l.years)).toEqual([[2027]]);
    const utc = capture();
    warnAboutMissingOfficialDays({ official: officialDays({}), overlayFile: 'x' }, now, 'UTC', utc.log);
    expect(utc.lines).toEqual([]);
  });

  it('says nothing when the overlay has the year', () => {
    const { log, lines } = capture();
    const official = officialDays({ 2027: [{ name: '元旦', off: ['2027-01-01', '2027-01-01'], workdays: [] }] });
    warnAboutMissingOfficialDays({ official, overlayFile: 'x' }, Date.UTC(2026, 11, 6), 'Asia/Shanghai', log);
    expect(lines).toEqual([]);
  });
});
