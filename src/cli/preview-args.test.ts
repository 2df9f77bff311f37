import { describe, expect, it } from 'vitest';
import { DEFAULT_PREVIEW_LIMIT, parsePreviewArgs } from './preview-args.ts';

describe('parsePreviewArgs: npm run preview -- --date YYYY-MM-DD [--at HH:MM] [--limit N]', () => {
  it('reads the date, the time and the limit, in either spelling', () => {
    expect(parsePreviewArgs(['--date', '2027-02-06'])).toEqual({ date: { year: 2027, month: 2, day: 6 }, limit: DEFAULT_PREVIEW_LIMIT });
    expect(parsePreviewArgs(['--date=2026-10-01', '--at', '08:05', '--limit=3'])).toEqual({ date: { year: 2026, month: 10, day: 1 }, at: 8 * 60 + 5, limit: 3 });
  });

  it.each([
    [[], '缺少 --date'],
    [['--date', '2027-02-29'], '日期无效'],
    [['--date', '2027/02/06'], '日期无效'],
    [['--date', '2027-02-06', '--at', '24:00'], '时间无效'],
    [['--date', '2027-02-06', '--limit', '0'], '--limit 须为正整数'],
    [['--date', '2027-02-06', '--dry'], '不认识的参数 unknown argument --dry'],
    [['--date'], '--date 缺少取值'],
  ])('refuses %j with a reason', (args, reason) => {
    const parsed = parsePreviewArgs(args);
    expect('error' in parsed && parsed.error).toContain(reason);
  });
});
