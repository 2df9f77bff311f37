import type { Tier } from '../tiers/policy.ts';
import type { CommandId } from './command-words.ts';
import { foldWidth, trimPunctuation } from './normalize-input.ts';

/** A command and its arguments, as parsed. `rep` is a member's userid as typed; handlers never see it (roles.ts turns it into a scope). */
export type CommandArgs =
  | { command: 'help' }
  | { command: 'tiers'; rep?: string }
  | { command: 'list'; tier: Tier; rep?: string; limit?: number }
  | { command: 'who'; name: string }
  | { command: 'todo'; rep?: string }
  | { command: 'log'; name: string; note: string }
  | { command: 'set'; name: string; tier: Tier; reason: string; until?: string }
  | { command: 'report' }
  | { command: 'export' };

/** Why arguments were refused; the answer shows the command's example. */
export type ArgProblem =
  | 'tier_missing'
  | 'name_missing'
  | 'note_missing'
  | 'reason_missing'
  | 'date_invalid'
  | 'limit_invalid'
  | 'rep_invalid';

/** The largest `n` of `名单 B [rep] [n]`. */
export const MAX_LIST_LIMIT = 50;

/** WeCom userids: 1–64 of letters, digits, `_ - . @` (成员 UserID rule). */
const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * Arguments per command, from the tokens after the command word (as typed; each is
 * width-folded where it is a tier, number, date or userid, and kept as typed where it is
 * a name, a note or a reason).
 */
export function parseArgs(command: CommandId, tokens: readonly string[]): CommandArgs | { problem: ArgProblem } {
  const folded = tokens.map((t) => trimPunctuation(foldWidth(t))).filter((t) => t !== '');
  switch (command) {
    case 'help':
    case 'report':
    case 'export':
      return { command };
    case 'tiers':
    case 'todo': {
      const rep = folded[0];
      if (rep === undefined) return { command };
      return USER_ID.test(rep) ? { command, rep } : { problem: 'rep_invalid' };
    }
    case 'list':
      return listArgs(folded);
    case 'who': {
      const name = nameOf(freeText(tokens));
      return name ? { command, name } : { problem: 'name_missing' };
    }
    case 'log': {
      const name = nameOf(tokens[0]);
      if (!name) return { problem: 'name_missing' };
      const note = freeText(tokens.slice(1));
      return note ? { command, name, note } : { problem: 'note_missing' };
    }
    case 'set':
      return setArgs(tokens);
  }
}

/** `A`, `ａ`, `B级`, `b类`: a tier letter in either width and case. */
export function tierOf(token: string | undefined): Tier | undefined {
  if (token === undefined) return undefined;
  const t = trimPunctuation(foldWidth(token)).toUpperCase().replace(/[级類类]$/u, '');
  return t === 'A' || t === 'B' || t === 'C' || t === 'D' ? t : undefined;
}

function listArgs(folded: string[]): CommandArgs | { problem: ArgProblem } {
  const tier = tierOf(folded[0]);
  if (!tier) return { problem: 'tier_missing' };
  const out: { command: 'list'; tier: Tier; rep?: string; limit?: number } = { command: 'list', tier };
  for (const token of folded.slice(1)) {
    if (/^\d+$/.test(token) && out.limit === undefined) {
      const n = Number(token);
      if (n < 1 || n > MAX_LIST_LIMIT) return { problem: 'limit_invalid' };
      out.limit = n;
    } else if (USER_ID.test(token) && out.rep === undefined) {
      out.rep = token;
    } else {
      return { problem: 'rep_invalid' };
    }
  }
  return out;
}

/** `调级 张三 A 已签合同 [至 2027-03-31]`: name, tier, reason, and an optional end date (`至2027-03-31` too). */
function setArgs(tokens: readonly string[]): CommandArgs | { problem: ArgProblem } {
  const name = nameOf(tokens[0]);
  if (!name) return { problem: 'name_missing' };
  const tier = tierOf(tokens[1]);
  if (!tier) return { problem: 'tier_missing' };
  const rest = [...tokens.slice(2)];
  let until: string | undefined;
  const at = rest.findIndex((t) => /^(至|到|until)/iu.test(foldWidth(t)));
  if (at >= 0) {
    const glued = foldWidth(rest[at]!).replace(/^(至|到|until)/iu, '');
    const dateToken = trimPunctuation(glued !== '' ? glued : foldWidth(rest[at + 1] ?? ''));
    until = isoDate(dateToken);
    if (!until) return { problem: 'date_invalid' };
    rest.splice(at);
  }
  const reason = freeText(rest);
  if (!reason) return { problem: 'reason_missing' };
  return { command: 'set', name, tier, reason, ...(until ? { until } : {}) };
}

/** `2027-03-31`, `2027/3/31`, `2027.3.31` → `2027-03-31` when it is a real calendar day. */
export function isoDate(token: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/u.exec(token);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A customer name as typed, without punctuation around it. */
function nameOf(token: string | undefined): string | undefined {
  const name = token === undefined ? '' : trimPunctuation(token);
  return name === '' ? undefined : name;
}

/** Free text (a name with spaces, a note, a reason): the tokens as typed, one space between. */
function freeText(tokens: readonly string[]): string | undefined {
  const text = tokens.join(' ').trim();
  return text === '' ? undefined : text;
}
