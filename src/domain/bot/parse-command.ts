import type { Tier } from '../tiers/policy.ts';
import { COMMAND_WORDS, type CommandId } from './command-words.ts';
import { foldWidth, normalizeInput, trimPunctuation } from './normalize-input.ts';
import { parseArgs, type ArgProblem, type CommandArgs } from './parse-args.ts';
import { suggestCommands } from './suggest-command.ts';

/**
 * The longest message read as a command, in characters (code points). A command with its
 * arguments fits in a line; a `记录` note in a paragraph. Longer text is answered with a
 * hint, never parsed: nothing a member pastes can make the parser slow.
 */
export const MAX_INPUT_CHARS = 1000;
/** The largest bare number read as the answer to a numbered choice. */
export const MAX_CHOICE = 99;

export type ParsedInput =
  | { kind: 'command'; args: CommandArgs }
  | { kind: 'choice'; number: number }
  | { kind: 'invalid'; command: CommandId; problem: ArgProblem }
  | { kind: 'unknown'; word: string; suggestions: CommandId[] }
  | { kind: 'empty' }
  | { kind: 'too_long'; chars: number };

export type { ArgProblem, CommandArgs, Tier };

/**
 * Reads one message: a command word (Chinese or its slash alias, either width, any case,
 * after @mentions and with punctuation around it) and its arguments, or a bare number
 * answering a numbered choice. Pure; never throws.
 */
export function parseCommand(raw: string): ParsedInput {
  const chars = countChars(raw);
  if (chars > MAX_INPUT_CHARS) return { kind: 'too_long', chars };
  const text = normalizeInput(raw);
  if (text === '') return { kind: 'empty' };
  const tokens = text.split(' ');
  const head = trimPunctuation(foldWidth(tokens[0]!));
  if (/^\d+$/.test(head) && tokens.length === 1) {
    const n = Number(head);
    if (n >= 1 && n <= MAX_CHOICE) return { kind: 'choice', number: n };
  }
  const matched = matchHead(head);
  if (!matched) {
    const word = head === '' ? foldWidth(tokens[0]!).trim() : head;
    return { kind: 'unknown', word, suggestions: suggestCommands(word) };
  }
  // `客户张三`: the rest of a glued first token is the first argument.
  const rest = [...(matched.remainder ? [matched.remainder] : []), ...tokens.slice(1)];
  let id = matched.id;
  if (id === 'report' && rest.length > 0 && trimPunctuation(foldWidth(rest[0]!)) === '导出') {
    id = 'export';
    rest.shift();
  }
  const parsed = parseArgs(id, rest);
  return 'problem' in parsed ? { kind: 'invalid', command: id, problem: parsed.problem } : { kind: 'command', args: parsed };
}

/** Code points, not UTF-16 units: an emoji is one character to the member. */
function countChars(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The command a first token names: its alias with or without the slash (any case), or its
 * Chinese word, alone or glued to the first argument (`名单B`, `报表导出`).
 */
function matchHead(head: string): { id: CommandId; remainder: string } | undefined {
  const lower = head.toLowerCase();
  for (const c of COMMAND_WORDS) {
    if (lower === c.alias || lower === c.alias.slice(1)) return { id: c.id, remainder: '' };
  }
  for (const c of COMMAND_WORDS) {
    if (c.id === 'export') continue; // 报表 导出 is 报表 with an argument
    if (head.startsWith(c.word)) return { id: c.id, remainder: trimLeadingSeparators(head.slice(c.word.length)) };
  }
  return undefined;
}

function trimLeadingSeparators(s: string): string {
  return s.replace(/^[:：,，、]+/u, '');
}
