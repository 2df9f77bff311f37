import type { Contact } from './contact.ts';

/**
 * Finding a customer by what a rep types: part of the WeCom name or of a remark (备注).
 * Reps type two to four Chinese characters — a surname and given name (张三), the start of
 * a remark (王总), a company word from one (华为) — or a few letters of a Latin name. So
 * both are indexed by their grams: every single Han character (a one-character query, 张)
 * and every pair of adjacent characters (any longer query: every pair of the query must be
 * in the name, which the caller then confirms with a real substring test). Pure: the
 * contact store files a contact under keyOf(gram) for each gram (atomically with the record).
 */

/** Characters of one name that are indexed: remarks often carry a phone number or a long note after the name. */
export const MAX_INDEXED_CHARS = 24;
/** The longest query searched: longer text is no customer's name. */
export const MAX_QUERY_CHARS = 24;

const HAN = /\p{Script=Han}/u;

/**
 * A name or query as searched: NFKC (full-width letters and digits become ASCII), lower
 * case, letters and digits only. Spaces, punctuation, `*`, `'`, `?` and the like are not
 * part of any gram, so they can never reach a key or a pattern.
 */
export function searchForm(text: string): string {
  return [...text.normalize('NFKC').toLowerCase()].filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');
}

/** The grams of one name: its Han characters and its adjacent pairs, from the first MAX_INDEXED_CHARS characters. */
export function gramsOf(text: string): string[] {
  const chars = [...searchForm(text)].slice(0, MAX_INDEXED_CHARS);
  const grams = new Set<string>();
  chars.forEach((c, i) => {
    if (HAN.test(c)) grams.add(c);
    const next = chars[i + 1];
    if (next !== undefined) grams.add(c + next);
  });
  return [...grams];
}

/** The texts a contact is found by: its WeCom name and every rep's remark. */
export function searchableNames(contact: Pick<Contact, 'name' | 'follows'>): string[] {
  return [contact.name, ...contact.follows.map((f) => f.remark ?? '')].filter((n) => n.trim() !== '');
}

/** The grams a contact is filed under (all its names). */
export function contactGrams(contact: Pick<Contact, 'name' | 'follows'>): string[] {
  return [...new Set(searchableNames(contact).flatMap(gramsOf))].sort();
}

/**
 * The grams to look a query up by, or why it cannot be searched: empty (nothing but
 * punctuation or symbols), a single non-Han character (too common to mean anything), or
 * longer than MAX_QUERY_CHARS.
 */
export function queryGrams(query: string): { grams: string[]; form: string } | { problem: 'empty' | 'too_short' | 'too_long' } {
  const form = searchForm(query);
  const chars = [...form];
  if (chars.length === 0) return { problem: 'empty' };
  if (chars.length > MAX_QUERY_CHARS) return { problem: 'too_long' };
  if (chars.length === 1) return HAN.test(form) ? { grams: [form], form } : { problem: 'too_short' };
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return { grams: [...grams], form };
}

/** How well a name matches: 3 equal, 2 starts with the query, 1 contains it, 0 not at all. */
export function matchRank(name: string, queryForm: string): 0 | 1 | 2 | 3 {
  const form = searchForm(name);
  if (form === queryForm) return 3;
  if (form.startsWith(queryForm)) return 2;
  return form.includes(queryForm) ? 1 : 0;
}

/**
 * The best match of a contact for a query among the names the asker may see: the WeCom name
 * and, for a rep, only their own remark (another rep's remark on a shared customer is that
 * rep's note); for everyone (rep undefined) every remark.
 */
export function bestMatch(contact: Pick<Contact, 'name' | 'follows'>, queryForm: string, rep: string | undefined): 0 | 1 | 2 | 3 {
  const remarks = contact.follows.filter((f) => rep === undefined || f.userId === rep).map((f) => f.remark ?? '');
  let best: 0 | 1 | 2 | 3 = 0;
  for (const name of [contact.name, ...remarks]) {
    if (name.trim() === '') continue;
    const rank = matchRank(name, queryForm);
    if (rank > best) best = rank;
  }
  return best;
}
