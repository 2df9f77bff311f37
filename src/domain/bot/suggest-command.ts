import { COMMAND_WORDS, type CommandId } from './command-words.ts';

/** At most this many suggestions: one is a hint, three is a menu (帮助 is the menu). */
const MAX_SUGGESTIONS = 2;

/**
 * The commands an unknown word most likely meant. Edit distance alone is weak on
 * two-character Chinese words (every other word is 2 edits away), so, in order:
 * 1. a synonym members use (`统计` → 报表, `待办` → 跟进);
 * 2. Latin words: the slash alias (or a synonym) within a third of its length in edits,
 *    a swap of two neighbours counting as one (`/hlep` → /help, `/reprot` → /report);
 * 3. Chinese words: the command words sharing the most characters with it (`分组` → 分级,
 *    `报告单` → 报表), at least one in three of its characters, ties kept (`级` → 分级 and 调级).
 */
export function suggestCommands(word: string): CommandId[] {
  const w = word.toLowerCase().replace(/^\//, '');
  if (w === '') return [];
  const bySynonym = COMMAND_WORDS.filter((c) => c.synonyms.includes(w));
  if (bySynonym.length > 0) return bySynonym.map((c) => c.id).slice(0, MAX_SUGGESTIONS);
  if (/^[a-z?]+$/.test(w)) return nearestLatin(w);
  return byShared(w);
}

function nearestLatin(w: string): CommandId[] {
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best: { id: CommandId; d: number }[] = [];
  for (const c of COMMAND_WORDS) {
    for (const name of [c.alias.slice(1), ...c.synonyms.filter((s) => /^[a-z]+$/.test(s))]) {
      const d = typoDistance(w, name);
      if (d > limit) continue;
      if (best.length === 0 || d < best[0]!.d) best = [{ id: c.id, d }];
      else if (d === best[0]!.d && !best.some((b) => b.id === c.id)) best.push({ id: c.id, d });
    }
  }
  return best.map((b) => b.id).slice(0, MAX_SUGGESTIONS);
}

function byShared(w: string): CommandId[] {
  const chars = new Set(w);
  // One shared character says little about a long sentence (`天气怎么样` shares 天 with 今天).
  const least = Math.max(1, Math.ceil(chars.size / 3));
  const scored = COMMAND_WORDS.map((c) => {
    // 报表 导出 is matched by 导出 only, or every 报 would suggest both reports.
    const word = c.id === 'export' ? '导出' : c.word;
    return { id: c.id, score: Math.max(...[word, ...c.synonyms].map((s) => sharedChars(chars, s))) };
  }).filter((s) => s.score >= least);
  const top = Math.max(0, ...scored.map((s) => s.score));
  return scored.filter((s) => s.score === top).map((s) => s.id).slice(0, MAX_SUGGESTIONS);
}

function sharedChars(chars: ReadonlySet<string>, s: string): number {
  let n = 0;
  for (const ch of new Set(s)) if (ch !== ' ' && chars.has(ch)) n++;
  return n;
}

/**
 * Edits between two words, where swapping two adjacent letters is one edit (optimal string
 * alignment): the commonest typo on a keyboard, which plain Levenshtein counts as two.
 */
export function typoDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
