import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { FESTIVAL_IDS } from '../domain/calendar/festivals.ts';
import { loadOccasions } from './load-occasions.ts';

/** The user's file: these tests check that what ships loads and reads well. */
const SHIPPED_FILE = 'config/occasions.jsonc';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const shipped = parse(readFileSync(SHIPPED_FILE, 'utf8')) as Json;

/** The problems loadOccasions reports for an occasions text (and overlay text), or [] when it loads. */
function problemsOf(text: string, overlay = '{}'): string[] {
  try {
    loadOccasions('occasions.jsonc', (f) => (f === 'occasions.jsonc' ? text : overlay));
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** The problems for the shipped file with `edit` applied. */
function problems(edit: (json: Json) => unknown): string[] {
  const json = structuredClone(shipped);
  return problemsOf(JSON.stringify(edit(json) ?? json));
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('the shipped config/occasions.jsonc', () => {
  const { occasions, overlayFile } = loadOccasions(SHIPPED_FILE);
  const allTexts = [
    ...Object.values(occasions.holidays).flatMap((h) => Object.values(h.texts)),
    ...Object.values(occasions.birthday.texts),
    ...occasions.afterSale.steps.map((s) => s.text),
    occasions.welcome.default,
  ];

  it('loads, with every festival, each at 09:30 and on, except 清明 (a day of remembrance) which is off', () => {
    expect(Object.keys(occasions.holidays).sort()).toEqual([...FESTIVAL_IDS].sort());
    for (const [id, h] of Object.entries(occasions.holidays)) {
      expect({ id, at: h.at, enabled: h.enabled }).toEqual({ id, at: 9 * 60 + 30, enabled: id !== 'qingming' });
    }
  });

  it('every default text is non-empty zh-CN within 4000 bytes', () => {
    expect(allTexts.length).toBeGreaterThan(40);
    for (const text of allTexts) {
      expect(text.trim()).not.toBe('');
      expect(text.replaceAll('{name}', '')).toMatch(/^[^a-z]*[\u4e00-\u9fff][^a-z]*$/i);
      expect(bytes(text)).toBeLessThanOrEqual(4000);
    }
  });

  it('the examples left commented out (a custom date, a channel welcome) load once uncommented', () => {
    const text = readFileSync(SHIPPED_FILE, 'utf8');
    const uncomment = (from: RegExp, to: RegExp) => {
      const lines = text.split('\n');
      const start = lines.findIndex((l) => from.test(l));
      const end = lines.findIndex((l, i) => i > start && to.test(l));
      return lines.map((l, i) => (i > start && i < end ? l.replace(/^(\s*)\/\/ ?/, '$1') : l)).join('\n');
    };
    const custom = uncomment(/^\s*"custom": \[/, /^\s*\],/);
    const { occasions: withCustom } = loadOccasions('occasions.jsonc', (f) => (f === 'occasions.jsonc' ? custom : '{}'));
    expect(withCustom.custom.map((c) => c.id)).toEqual(['shopAnniversary']);
    const byState = uncomment(/^\s*"byState": \{/, /^\s*\}/);
    const { occasions: withState } = loadOccasions('occasions.jsonc', (f) => (f === 'occasions.jsonc' ? byState : '{}'));
    expect(Object.keys(withState.welcome.byState)).toEqual(['booth-3']);
  });

  it('after-sale care defaults to day 1, 7 and 30; no custom dates; the overlay file beside it loads', () => {
    expect(occasions.afterSale.steps.map((s) => s.afterDays)).toEqual([1, 7, 30]);
    expect(occasions.custom).toEqual([]);
    expect(overlayFile).toBe(path.join('config', 'holidays-overlay.jsonc'));
  });
});

/** The wording rules every greeting file Fenji ships or tests with keeps. */
describe.each([SHIPPED_FILE, 'tests/fixtures/occasions.jsonc'])('the wording of %s', (file) => {
  const { occasions } = loadOccasions(file);
  const texts = (id: keyof typeof occasions.holidays) => Object.values(occasions.holidays[id].texts);
  const greetings = [...Object.values(occasions.holidays), occasions.birthday, ...occasions.custom];

  it('端午 is 安康, never 快乐 (a day for warding off illness)', () => {
    for (const t of texts('dragonBoat')) expect(t).toMatch(/端午安康/);
    for (const t of texts('dragonBoat')) expect(t).not.toMatch(/快乐/);
  });

  it('清明 is off (a day of remembrance) and, if turned on, never says 快乐', () => {
    expect(occasions.holidays.qingming.enabled).toBe(false);
    for (const t of texts('qingming')) expect(t).not.toMatch(/快乐/);
  });

  it('every A text names the customer with {name}; no B, C or D text does (one 群发 for many)', () => {
    for (const g of greetings) {
      expect(g.texts.A).toContain('{name}');
      for (const tier of ['B', 'C', 'D'] as const) expect(g.texts[tier]).not.toContain('{name}');
    }
  });

  it('every text fits WeCom\'s 4000 bytes', () => {
    for (const g of greetings) for (const t of Object.values(g.texts)) expect(bytes(t)).toBeLessThanOrEqual(4000);
  });
});

describe('the shipped wording, day by day', () => {
  const { occasions } = loadOccasions(SHIPPED_FILE);
  const texts = (id: keyof typeof occasions.holidays) => Object.values(occasions.holidays[id].texts);

  it('中秋 wishes 团圆, 重阳 the elders\' health, and A thanks the customer on every festival day but 清明', () => {
    for (const t of texts('midAutumn')) expect(t).toMatch(/团圆/);
    for (const t of texts('doubleNinth')) expect(t).toMatch(/长辈.*(健康|安康)/);
    for (const [id, h] of Object.entries(occasions.holidays)) if (id !== 'qingming') expect(h.texts.A, id).toMatch(/感谢/);
    expect(occasions.birthday.texts.A).toMatch(/感谢/);
  });
});

describe('loadOccasions: mistakes, by field path', () => {
  it('a misspelled key names the nearest known key', () => {
    expect(problems((j) => void (j['holidays']['midAutum'] = j['holidays']['midAutumn']))).toContain(
      'occasions.jsonc: holidays.midAutum: unknown key; did you mean midAutumn?',
    );
    expect(problems((j) => void (j['holidays']['qixi']['enabeld'] = true))).toEqual([
      'occasions.jsonc: holidays.qixi.enabeld: unknown key; did you mean enabled?',
    ]);
    expect(problems((j) => void (j['afterSale']['steps'][1]['afterDay'] = 7))).toContain(
      'occasions.jsonc: afterSale.steps.1.afterDay: unknown key; did you mean afterDays?',
    );
  });

  it('a JSONC syntax error names its line:column', () => {
    const text = readFileSync(SHIPPED_FILE, 'utf8').replace('"enabled": false', '"enabled" false');
    const line = text.split('\n').findIndex((l) => l.includes('"enabled" false')) + 1;
    const column = text.split('\n')[line - 1]!.indexOf('false') + 1;
    expect(problemsOf(text)[0]).toBe(`occasions.jsonc:${line}:${column}: ColonExpected`);
  });

  it('texts: empty, too long, an unknown placeholder, {name} in a 群发 text', () => {
    expect(problems((j) => void (j['holidays']['qixi']['texts']['C'] = ' '))).toEqual([
      'occasions.jsonc: holidays.qixi.texts.C must not be empty',
    ]);
    expect(problems((j) => void (j['birthday']['texts']['B'] = '好'.repeat(1334)))).toEqual([
      'occasions.jsonc: birthday.texts.B must be at most 4000 bytes (UTF-8), got 4002',
    ]);
    expect(problems((j) => void (j['holidays']['newYear']['texts']['A'] = '{nam}，元旦快乐！'))).toEqual([
      'occasions.jsonc: holidays.newYear.texts.A has an unknown placeholder {nam}; did you mean {name}?',
    ]);
    expect(problems((j) => void (j['holidays']['newYear']['texts']['B'] = '{name}，元旦快乐！'))).toEqual([
      'occasions.jsonc: holidays.newYear.texts.B cannot use {name}: B/C/D texts go out as one 企业群发 to many customers; only A may name the customer',
    ]);
  });

  it('times, custom dates, steps and welcome states', () => {
    expect(problems((j) => void (j['holidays']['qixi']['at'] = '9:30'))).toEqual([
      'occasions.jsonc: holidays.qixi.at must be a time of day as "HH:MM" (00:00-24:00)',
    ]);
    const texts = shipped['birthday']['texts'];
    expect(problems((j) => void j['custom'].push({ id: 'shop', name: '店庆', date: { calendar: 'lunar', month: 12, day: 31 }, texts }))).toEqual([
      'occasions.jsonc: custom.0.date.day must be 1 to 30 for a lunar date',
    ]);
    expect(problems((j) => void j['custom'].push({ id: 'shop', name: '店庆', date: { calendar: 'solar', month: 4, day: 31 }, texts }))).toEqual([
      'occasions.jsonc: custom.0.date.day 4 月没有 31 日 (month 4 has 30 days)',
    ]);
    expect(problems((j) => void j['custom'].push({ id: 'midAutumn', name: '中秋', date: { calendar: 'solar', month: 4, day: 1 }, texts }))).toEqual([
      'occasions.jsonc: custom.0.id "midAutumn" is taken (a festival, birthday, or another custom date)',
    ]);
    expect(problems((j) => void j['afterSale']['steps'].push({ afterDays: 7, text: '您好' }))).toEqual([
      'occasions.jsonc: afterSale.steps.3.afterDays 7 is listed twice',
    ]);
    expect(problems((j) => void (j['welcome']['byState']['x'.repeat(31)] = '您好'))).toEqual([
      `occasions.jsonc: welcome.byState.${'x'.repeat(31)} must be a State of at most 30 characters (WeCom's limit)`,
    ]);
  });

  it('a custom date and a custom time load, and `at` defaults to 09:30', () => {
    const json = structuredClone(shipped);
    json['custom'].push({ id: 'shop', name: '店庆', date: { calendar: 'solar', month: 6, day: 18 }, at: '10:15', texts: shipped['birthday']['texts'] });
    const { occasions } = loadOccasions('occasions.jsonc', (f) => (f === 'occasions.jsonc' ? JSON.stringify(json) : '{}'));
    expect(occasions.custom[0]).toMatchObject({ id: 'shop', at: 615, enabled: true, date: { calendar: 'solar', month: 6, day: 18 } });
    expect(occasions.birthday.at).toBe(570);
  });
});

describe('loadOccasions: the official days overlay', () => {
  const text = readFileSync(SHIPPED_FILE, 'utf8');

  it('is read beside the occasions file and laid over the package\'s years', () => {
    const overlay = '// 2027\n{ "2027": [ { "name": "元旦", "off": ["2027-01-01", "2027-01-03"], "workdays": ["2027-01-04"] } ] }';
    const { official } = loadOccasions('/etc/fenji/occasions.jsonc', (f) => (f === '/etc/fenji/holidays-overlay.jsonc' ? overlay : text));
    expect(official.years.has(2027)).toBe(true);
    expect(official.days.get('2027-01-04')).toEqual({ kind: 'workday', name: '元旦' });
  });

  it('names the overlay file and the field of each mistake', () => {
    expect(problemsOf(text, '{ "2027": [ { "name": "元旦", "off": ["2027-01-03", "2027-01-01"], "workdays": ["2027-1-4"] } ] }')).toEqual([
      'holidays-overlay.jsonc: 2027.0.off must be ["first", "last"] with first ≤ last',
      'holidays-overlay.jsonc: 2027.0.workdays.0 must be a date as "YYYY-MM-DD"',
    ]);
    expect(problemsOf(text, '{ "27": [] }')).toEqual(['holidays-overlay.jsonc: 27 must be a year as "YYYY"']);
    expect(problemsOf(text, '{ "2027": [ { "name": "元旦", "of": ["2027-01-01", "2027-01-01"], "workdays": [] } ] }')).toContain(
      'holidays-overlay.jsonc: 2027.0.of: unknown key; did you mean off?',
    );
  });

  it('a missing overlay file stops start-up, naming it', () => {
    const read = (f: string) => {
      if (f === 'occasions.jsonc') return text;
      throw new Error('ENOENT: no such file');
    };
    expect(() => loadOccasions('occasions.jsonc', read)).toThrow(/officialDaysOverlay cannot be read \(holidays-overlay\.jsonc\): ENOENT/);
  });
});
