/**
 * How a member's text is read before parsing. WeCom delivers what the member typed, so
 * Chinese keyboards' full-width forms (Ａ, ２, ／, the ideographic space U+3000), the
 * four-per-em space WeCom puts after an @mention (U+2005) and stray punctuation are all normal input.
 */

/** Full-width ASCII (U+FF01..U+FF5E) to ASCII, the ideographic space to a space. */
export function foldWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** Every run of whitespace (Unicode, including U+3000 and U+2005) becomes one space; trimmed. */
export function collapseSpaces(s: string): string {
  return s.replace(/[\s\u3000\u2005\u200b\ufeff]+/gu, ' ').trim();
}

/**
 * Leading @mentions removed (`@Fenji 帮助`, `＠分级助手 帮助`): in a group WeCom keeps the
 * mention in the text. A mention is `@` and everything up to the next space; the separator
 * WeCom inserts is not documented, so any whitespace counts (collapseSpaces made it one space).
 */
export function stripMentions(s: string): string {
  return s.replace(/^(?:[@＠]\S*\s*)+/u, '').trim();
}

/** Punctuation a member may put around a command word: `帮助？`, `「分级」`, `/help!`, `记录：`. */
const EDGE_PUNCTUATION = /^[\s"'`「」『』【】《》〈〉()（）[\]<>.,，。、:：;；!！?？~～…—-]+|[\s"'`「」『』【】《》〈〉()（）[\]<>.,，。、:：;；!！?？~～…—-]+$/gu;

/** A token without its surrounding punctuation (the inside is kept). */
export function trimPunctuation(s: string): string {
  return s.replace(EDGE_PUNCTUATION, '');
}

/** The text as the parser reads it: spaces collapsed, mentions gone; widths and punctuation still as typed. */
export function normalizeInput(raw: string): string {
  return stripMentions(collapseSpaces(raw));
}
