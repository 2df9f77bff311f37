import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from '../shared/errors.ts';

/** The file `npm start` (and the CLIs) read variables from, in the working directory. */
export const ENV_FILE = '.env';

const ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/;
const QUOTES = ['"', "'", '`'];

/**
 * Parses a .env file the way `node --env-file` does (util.parseEnv: comments, quotes,
 * `export`, multi-line quoted values), after checking each line: parseEnv silently turns a
 * malformed line into a strange variable, and a user should hear which line is wrong.
 * @throws ConfigError naming the first bad line (never its text: it may hold a secret).
 */
export function parseEnvFile(text: string, name = ENV_FILE): Record<string, string> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) throw new ConfigError([`${name} line ${i + 1}: expected NAME=value (e.g. PORT=3000)`]);
    const value = match[1]!;
    const quote = QUOTES.find((q) => value.startsWith(q));
    if (quote === undefined || value.indexOf(quote, 1) > 0) continue;
    // A quoted value may run over several lines, up to the line holding its closing quote.
    const end = lines.findIndex((l, k) => k > i && l.includes(quote));
    if (end < 0) throw new ConfigError([`${name} line ${i + 1}: the quoted value is never closed`]);
    i = end;
  }
  return parseEnv(text) as Record<string, string>;
}

/**
 * The environment with the .env file's variables under it: a variable already set in the
 * environment wins (even set empty), as with dotenv and `node --env-file`. The file is
 * FENJI_ENV_FILE if set (then it must exist: it was asked for), else .env if there is one.
 * @throws ConfigError when the file cannot be read or has a malformed line.
 */
export function environmentWithEnvFile(
  env: Record<string, string | undefined>,
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): Record<string, string | undefined> {
  const asked = env['FENJI_ENV_FILE'] || undefined;
  const file = asked ?? ENV_FILE;
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    if (!asked && (err as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new ConfigError([`${asked ? `FENJI_ENV_FILE ${file}` : file} cannot be read: ${(err as Error).message}`]);
  }
  return { ...parseEnvFile(text, file), ...env };
}
