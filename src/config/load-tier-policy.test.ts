import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { TEST_TIERS_FILE } from '../../tests/helpers/tier-rules.ts';
import { ConfigError } from '../shared/errors.ts';
import { loadPolicies } from './load-tier-policy.ts';

/** The user's file: only the first test below reads it, so that tuning it breaks no test. */
const SHIPPED_FILE = 'config/tiers.jsonc';
const fixture = parse(readFileSync(TEST_TIERS_FILE, 'utf8')) as Record<string, unknown> & { followUps: Record<string, unknown> & { tiers: Record<string, object> } };

/** The problems loadPolicies reports for a file text, or [] when it loads. */
function problemsOf(text: string): string[] {
  try {
    loadPolicies('tiers.jsonc', () => text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** The problems loadPolicies reports for the tests' rules with `edit` applied. */
function problems(edit: (json: typeof fixture) => unknown): string[] {
  const json = structuredClone(fixture);
  return problemsOf(JSON.stringify(edit(json) ?? json));
}

/** Test sources: src/**\/*.test.ts and everything under tests/. */
function testSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string, keep: (f: string) => boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file, keep);
      else if (keep(file)) files.push(file);
    }
  };
  walk('src', (f) => f.endsWith('.test.ts'));
  walk('tests', (f) => f.endsWith('.ts'));
  return files;
}

describe('the shipped rules and the tests\' rules', () => {
  it('the shipped config/tiers.jsonc loads and validates, with a zh-CN follow-up text per tier that pushes', () => {
    const { tiers, followUps } = loadPolicies(SHIPPED_FILE);
    expect(Object.keys(tiers.tagNames).sort()).toEqual(['A', 'B', 'C', 'D']);
    for (const f of Object.values(followUps.tiers)) if (f.everyDays > 0) expect(f.text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('no other test reads config/tiers.jsonc: they load tests/fixtures/tiers.test.jsonc (tests/helpers/tier-rules.ts)', () => {
    const readsShipped = /(loadPolicies|readFileSync|FENJI_TIERS_FILE)\W[^\n]*config\/tiers\.jsonc/;
    // The production-shape e2e reads the copy inside the image layout it built: the rules
    // that image ships and runs with, which is what it must check against.
    const allowed = new Set([path.join('src', 'config', 'load-tier-policy.test.ts'), path.join('tests', 'e2e', 'production-shape.e2e.test.ts')]);
    const offenders = testSources().filter((f) => !allowed.has(f) && readsShipped.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('loadPolicies: follow-ups', () => {
  it('reads the follow-up rules: A 30, B 3, C 7, D 30 days, window 10:00-12:00, quiet 21:00-09:00', () => {
    const { followUps } = loadPolicies(TEST_TIERS_FILE);
    expect(Object.fromEntries(Object.entries(followUps.tiers).map(([t, f]) => [t, f.everyDays]))).toEqual({ A: 30, B: 3, C: 7, D: 30 });
    expect(followUps.sendWindow).toEqual({ from: 600, to: 720 });
    expect(followUps.quietHours).toEqual({ from: 1260, to: 540 });
    expect(followUps.confirmWithinDays).toBe(3);
    for (const f of Object.values(followUps.tiers)) expect(f.text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('names the field of each mistake', () => {
    expect(problems((j) => void (j.followUps.tiers['B'] = { everyDays: 3, text: '好'.repeat(1334) }))).toEqual([
      'tiers.jsonc: followUps.tiers.B.text must be at most 4000 bytes (UTF-8), got 4002',
    ]);
    expect(problems((j) => void (j.followUps.tiers['C'] = { everyDays: 7, text: ' ' }))).toEqual([
      'tiers.jsonc: followUps.tiers.C.text must not be empty when everyDays > 0',
    ]);
    expect(problems((j) => void (j.followUps.tiers['D'] = { everyDays: 1.5, text: '你好' }))).toEqual([
      'tiers.jsonc: followUps.tiers.D.everyDays must be a whole number of days',
    ]);
    expect(problems((j) => void (j.followUps['quietHours'] = { from: '21:00', to: '9:00' }))).toEqual([
      'tiers.jsonc: followUps.quietHours.to must be a time of day as "HH:MM" (00:00-24:00)',
    ]);
    expect(problems((j) => void (j.followUps['confirmWithinDays'] = 0))).toEqual([
      'tiers.jsonc: followUps.confirmWithinDays must be 1 to 30 days',
    ]);
    expect(problems((j) => ({ ...j, followUps: undefined }))[0]).toMatch(/^tiers\.jsonc: followUps /);
  });

  it('allows a tier with follow-ups off and no text', () => {
    expect(problems((j) => void (j.followUps.tiers['A'] = { everyDays: 0, text: '' }))).toEqual([]);
  });

  it('confirmWithinDays defaults to 3 days when left out', () => {
    const json = structuredClone(fixture);
    delete json.followUps['confirmWithinDays'];
    expect(loadPolicies('tiers.jsonc', () => JSON.stringify(json)).followUps.confirmWithinDays).toBe(3);
  });
});

describe('loadPolicies: a mistyped file', () => {
  it('names the line and column of a JSONC syntax error', () => {
    const text = readFileSync(TEST_TIERS_FILE, 'utf8').replace('"paidWithinDays": 365 }', '"paidWithinDays" 365 }');
    const line = text.split('\n').findIndex((l) => l.includes('"paidWithinDays" 365')) + 1;
    const column = text.split('\n')[line - 1]!.indexOf('365') + 1;
    expect(problemsOf(text)[0]).toBe(`tiers.jsonc:${line}:${column}: ColonExpected`);
  });

  it('refuses a misspelled key, naming the nearest known key', () => {
    expect(problems((j) => void (j.followUps.tiers['A'] = { everyDay: 30, text: '你好' }))).toContain(
      'tiers.jsonc: followUps.tiers.A.everyDay: unknown key; did you mean everyDays?',
    );
    expect(problems((j) => void ((j.followUps as Record<string, unknown>)['sendWindows'] = { from: '10:00', to: '12:00' }))).toEqual([
      'tiers.jsonc: followUps.sendWindows: unknown key; did you mean sendWindow?',
    ]);
    expect(problems((j) => void (j['hysterisis'] = { graceDays: 3 }))).toEqual(['tiers.jsonc: hysterisis: unknown key; did you mean hysteresis?']);
  });

  it('refuses an unknown key with nothing close, listing the known ones', () => {
    expect(problems((j) => void ((j['value'] as Record<string, unknown>)['colour'] = 'red'))).toEqual([
      'tiers.jsonc: value.colour: unknown key (known: weights, creditZeroAtDaysLate, split)',
    ]);
  });
});
