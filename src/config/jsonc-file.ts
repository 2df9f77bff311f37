import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { nearestName } from '../shared/nearest-name.ts';
import { ConfigError } from '../shared/errors.ts';

export type ReadFile = (file: string) => string;

/**
 * Reads and validates a commented JSON config file (config/*.jsonc).
 * @param setting what names the file to the user (FENJI_TIERS_FILE), shown when it cannot be read
 * @throws ConfigError with `file:line:column` for a syntax error, and the field path of each
 *   problem, an unknown key naming the nearest known one (a likely typo).
 */
export function readJsoncFile<S extends z.ZodType>(file: string, setting: string, schema: S, readFile: ReadFile): z.output<S> {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new ConfigError([`${setting} cannot be read (${file}): ${(err as Error).message}`]);
  }
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => `${file}:${lineAndColumn(text, e.offset)}: ${printParseErrorCode(e.error)}`));
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((issue) => describeIssue(file, schema, issue)));
  return parsed.data;
}

/** "line:column", both from 1, of a character offset (what an editor's go-to-line takes). */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

/** One line per problem; an unknown key names the nearest known key (a likely typo). */
function describeIssue(file: string, schema: z.ZodType, issue: z.core.$ZodIssue): string[] {
  const at = issue.path.join('.');
  if (issue.code === 'invalid_key') return [`${file}: ${at} ${issue.issues[0]?.message ?? issue.message}`];
  if (issue.code !== 'unrecognized_keys') return [`${file}: ${at || '(root)'} ${issue.message}`];
  const known = knownKeysAt(schema, issue.path);
  return issue.keys.map((key) => {
    const near = nearestName(key, known);
    const where = at ? `${at}.${key}` : key;
    return `${file}: ${where}: unknown key${near ? `; did you mean ${near}?` : ` (known: ${known.join(', ')})`}`;
  });
}

/** The keys the schema allows for the object at `path` (through defaults, optionals, pipes, arrays and records). */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    for (;;) {
      if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
      else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
      else break;
    }
    if (segment !== undefined && current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (segment !== undefined && current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else if (!(current instanceof z.ZodObject)) return [];
    else if (segment === undefined) return Object.keys(current.shape);
    else current = (current.shape as Record<string, z.ZodType>)[String(segment)];
  }
  return [];
}
