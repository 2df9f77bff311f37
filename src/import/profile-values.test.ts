import { describe, expect, it } from 'vitest';
import { parseAge, parseBirthday, parseInterests } from './profile-values.ts';

const value = <T>(parsed: { value: T } | { problem: unknown }): T | undefined => ('value' in parsed ? parsed.value : undefined);

describe('profile cell values', () => {
  it('reads solar birthdays with or without the year, in the ways sheets write them', () => {
    expect(value(parseBirthday('1990-08-15', 2025))).toEqual({ calendar: 'solar', year: 1990, month: 8, day: 15 });
    expect(value(parseBirthday('1990/8/5', 2025))).toEqual({ calendar: 'solar', year: 1990, month: 8, day: 5 });
    expect(value(parseBirthday('1990年8月15日', 2025))).toEqual({ calendar: 'solar', year: 1990, month: 8, day: 15 });
    expect(value(parseBirthday('02-29', 2025))).toEqual({ calendar: 'solar', month: 2, day: 29 });
  });

  it('reads lunar birthdays from a 农历/阴历 prefix or lunar:', () => {
    expect(value(parseBirthday('农历1988-08-15', 2025))).toEqual({ calendar: 'lunar', year: 1988, month: 8, day: 15 });
    expect(value(parseBirthday('lunar:08-15', 2025))).toEqual({ calendar: 'lunar', month: 8, day: 15 });
    expect(value(parseBirthday('阴历 12-30', 2025))).toEqual({ calendar: 'lunar', month: 12, day: 30 });
  });

  it('refuses dates that do not exist, with the reason in Chinese and English', () => {
    for (const bad of ['1990-02-29', '1990-13-01', '04-31', '农历08-31', '农历闰四月初八', '八月十五', '1990-08', '1850-01-01', '2030-01-01', '32874']) {
      const parsed = parseBirthday(bad, 2025);
      expect('problem' in parsed, bad).toBe(true);
    }
    expect(parseBirthday('1990-02-30', 2025)).toEqual({ problem: { zh: '2 月没有 30 日', en: 'day 30 does not exist in month 2' } });
  });

  it('reads ages and interests', () => {
    expect(value(parseAge('35'))).toBe(35);
    expect(value(parseAge('35岁'))).toBe(35);
    expect('problem' in parseAge('三十五')).toBe(true);
    expect('problem' in parseAge('-3')).toBe(true);
    expect(value(parseInterests('茶、高尔夫; 摄影；茶\n书法'))).toEqual(['茶', '高尔夫', '摄影', '书法']);
  });
});
