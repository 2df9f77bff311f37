import { z } from 'zod';
import type { Interaction } from './contact.ts';
import type { OptOut } from '../ports.ts';

/**
 * Opt-out (退订): a customer who writes that they want no more automated messages gets
 * none until their rep reverses it. Detection favours precision over recall: 退订 also
 * means cancelling a booking (我想退订酒店), so a short word counts only when it is the
 * whole message, and a phrase only when the message is not about an order or a delivery.
 * A missed opt-out costs a message the customer can answer again; a false one silently
 * stops a customer's care, which nobody notices.
 */

/** The `optOut` section of the tier rules file (config/tiers.jsonc). */
export const optOutPolicySchema = z.strictObject({
  /** The whole message, spaces, punctuation and emoji aside, is one of these (or several: 退订退订, TD退订). */
  words: z.array(z.string()).min(1),
  /** The message contains one of these anywhere. */
  phrases: z.array(z.string()),
  /** A phrase does not count in a message that also contains one of these (不要再发错货了 is about goods). */
  unlessAlso: z.array(z.string()),
}).superRefine((p, ctx) => {
  for (const field of ['words', 'phrases', 'unlessAlso'] as const) {
    p[field].forEach((entry, i) => {
      if (normalizeOptOutText(entry) === '') ctx.addIssue({ code: 'custom', path: [field, i], message: 'is empty once spaces, punctuation and emoji are set aside' });
    });
  }
});

export type OptOutPolicy = z.infer<typeof optOutPolicySchema>;

/** Longest message (normalized, in characters) still read as "a short word": longer ones are sentences. */
const MAX_WORD_MESSAGE = 24;

/**
 * The text as compared: full-width forms folded (NFKC: ＴＤ → TD, ！ → !), lower case, and
 * without spaces, punctuation, symbols (emoji included), marks (variation selectors) and
 * control or format characters (zero-width joiners).
 */
export function normalizeOptOutText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\p{P}\p{S}\p{Z}\p{C}\p{M}\s]/gu, '');
}

/** The configured word or phrase the text opts out with, as configured; null when none. */
export function findOptOutKeyword(text: string | undefined, policy: OptOutPolicy): string | null {
  if (!text) return null;
  const message = normalizeOptOutText(text);
  if (message === '') return null;
  if (message.length <= MAX_WORD_MESSAGE) {
    const word = firstWordOfConcatenation(message, policy.words);
    if (word !== null) return word;
  }
  const phrase = policy.phrases.find((p) => message.includes(normalizeOptOutText(p)));
  if (phrase === undefined) return null;
  return policy.unlessAlso.some((u) => message.includes(normalizeOptOutText(u))) ? null : phrase;
}

/**
 * The opt-out a customer's message carries: only their own written words count (an inbound
 * message, 微信客服 or chat), not call or visit notes someone else wrote (a rep opts a
 * customer out by hand after a call: POST /api/contacts/{id}/opt-out).
 */
export function detectOptOut(interaction: Interaction, policy: OptOutPolicy): OptOut | null {
  if (interaction.direction !== 'inbound' || (interaction.channel !== 'message' && interaction.channel !== 'kf')) return null;
  const keyword = findOptOutKeyword(interaction.text, policy);
  return keyword === null ? null : { at: interaction.at, keyword, source: interaction.id };
}

/**
 * The first word of a way to write `message` as words of the list one after another
 * (退订退订, td退订), or null. Messages are short here, so a quadratic walk is cheap.
 */
function firstWordOfConcatenation(message: string, words: readonly string[]): string | null {
  const normalized = words.map((w) => ({ word: w, text: normalizeOptOutText(w) }));
  // reachable[i]: the first word of a concatenation covering message[0, i), or undefined.
  const reachable: (string | undefined)[] = new Array<string | undefined>(message.length + 1);
  reachable[0] = '';
  for (let i = 0; i < message.length; i++) {
    const first = reachable[i];
    if (first === undefined) continue;
    for (const { word, text } of normalized) {
      if (message.startsWith(text, i) && reachable[i + text.length] === undefined) reachable[i + text.length] = i === 0 ? word : first;
    }
  }
  return reachable[message.length] ?? null;
}
