import { readFileSync } from 'node:fs';
import { parse } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/errors.ts';
import { loadPolicies } from './load-tier-policy.ts';

const FILE = 'config/tiers.jsonc';
const shipped = parse(readFileSync(FILE, 'utf8')) as Record<string, unknown> & { followUps: Record<string, unknown> & { tiers: Record<string, object> } };

/** The problems loadPolicies reports for the shipped file with `edit` applied. */
function problems(edit: (json: typeof shipped) => unknown): string[] {
  const json = structuredClone(shipped);
  const text = JSON.stringify(edit(json) ?? json);
  try {
    loadPolicies('tiers.jsonc', () => text);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadPolicies: follow-ups', () => {
  it('reads the shipped defaults: A 30, B 3, C 7, D 30 days, window 10:00-12:00, quiet 21:00-09:00', () => {
    const { followUps } = loadPolicies(FILE);
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
    const json = structuredClone(shipped);
    delete json.followUps['confirmWithinDays'];
    expect(loadPolicies('tiers.jsonc', () => JSON.stringify(json)).followUps.confirmWithinDays).toBe(3);
  });
});
