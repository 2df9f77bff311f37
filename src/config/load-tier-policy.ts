import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { followUpPolicySchema, type FollowUpPolicy } from '../domain/followups/policy.ts';
import { tierPolicySchema, type TierPolicy } from '../domain/tiers/policy.ts';
import type { ValuePolicy } from '../domain/value/value-score.ts';
import { ConfigError } from '../shared/errors.ts';

const valuePolicySchema = z.object({
  weights: z.object({ credit: z.number().min(0), amount: z.number().min(0), profit: z.number().min(0) })
    .refine((w) => w.credit + w.amount + w.profit > 0, 'weights must not all be 0'),
  creditZeroAtDaysLate: z.number().positive(),
  split: z.object({ high: z.number().min(0).max(1), mid: z.number().min(0).max(1) })
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
export function loadPolicies(file: string, readFile: (f: string) => string = (f) => readFileSync(f, 'utf8')): Policies {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new ConfigError([`FENJI_TIERS_FILE cannot be read (${file}): ${(err as Error).message}`]);
  }
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => `${file}: ${printParseErrorCode(e.error)} at offset ${e.offset}`));
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'} ${i.message}`));
  }
  const { value, followUps, ...tiers } = parsed.data;
  return { tiers, value, followUps };
}
