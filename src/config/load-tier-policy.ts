import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readJsoncFile, type ReadFile } from './jsonc-file.ts';
import { followUpPolicySchema, type FollowUpPolicy } from '../domain/followups/policy.ts';
import { tierPolicySchema, type TierPolicy } from '../domain/tiers/policy.ts';
import type { ValuePolicy } from '../domain/value/value-score.ts';

const valuePolicySchema = z.strictObject({
  weights: z.strictObject({ credit: z.number().min(0), amount: z.number().min(0), profit: z.number().min(0) })
    .refine((w) => w.credit + w.amount + w.profit > 0, 'weights must not all be 0'),
  creditZeroAtDaysLate: z.number().positive(),
  split: z.strictObject({ high: z.number().min(0).max(1), mid: z.number().min(0).max(1) })
    .refine((s) => s.high + s.mid <= 1, 'split.high + split.mid must be at most 1'),
});

const fileSchema = tierPolicySchema.extend({ value: valuePolicySchema, followUps: followUpPolicySchema });

export interface Policies {
  tiers: TierPolicy;
  value: ValuePolicy;
  followUps: FollowUpPolicy;
}

/**
 * Reads the commented tier rules file (config/tiers.jsonc): tiers, value, follow-ups.
 * @throws ConfigError naming the file and the field path of each problem.
 */
export function loadPolicies(file: string, readFile: ReadFile = (f) => readFileSync(f, 'utf8')): Policies {
  const { value, followUps, ...tiers } = readJsoncFile(file, 'FENJI_TIERS_FILE', fileSchema, readFile);
  return { tiers, value, followUps };
}
