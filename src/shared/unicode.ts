/**
 * Whether a string is well-formed UTF-16 (String.prototype.isWellFormed, which our ES2023
 * lib types lack): with the u flag, \p{Cs} matches only an unpaired surrogate. Redis keeps
 * UTF-8, where every unpaired surrogate becomes U+FFFD, so two ids that differ only there
 * would be stored as one: ids must be refused before they become keys.
 */
export function isWellFormedUnicode(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}
