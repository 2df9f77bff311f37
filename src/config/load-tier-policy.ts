import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { nearestName } from './nearest-name.ts';
import { followUpPolicySchema, type FollowUpPolicy } from '../domain/followups/policy.ts';
import { tierPolicySchema, type TierPolicy } from '../domain/tiers/policy.ts';
import type { ValuePolicy } from '../domain/value/value-score.ts';
import { ConfigError } from '../shared/errors.ts';

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
    throw new ConfigError(errors.map((e) => `${file}:${lineAndColumn(text, e.offset)}: ${printParseErrorCode(e.error)}`));
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap((issue) => describeIssue(file, issue)));
  }
  const { value, followUps, ...tiers } = parsed.data;
  return { tiers, value, followUps };
}

/** "line:column", both from 1, of a character offset (what an editor's go-to-line takes). */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** One line per problem; an unknown key names the nearest known key (a likely typo). */
function describeIssue(file: string, issue: z.core.$ZodIssue): string[] {
  const at = issue.path.join('.');
  if (issue.code !== 'unrecognized_keys') return [`${file}: ${at || '(root)'} ${issue.message}`];
  const known = knownKeysAt(fileSchema, issue.path);
  return issue.keys.map((key) => {
    const near = nearestName(key, known);
    const where = at ? `${at}.${key}` : key;
    return `${file}: ${where}: unknown key${near ? `; did you mean ${near}?` : ` (known: ${known.join(', ')})`}`;
  });
}

/** The keys the schema allows for the object at `path` (through defaults, optionals and pipes). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodPipe) {
      current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.unwrap() as z.ZodType);
    }
    if (!(current instanceof z.ZodObject)) return [];
    if (segment === undefined) return Object.keys(current.shape);
    current = (current.shape as Record<string, z.ZodType>)[String(segment)];
  }
  return [];
}
