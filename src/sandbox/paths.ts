/**
 * Normalises an API path so callers may write `externalcontact/mark_tag`,
 * `/externalcontact/mark_tag` or the full `/cgi-bin/externalcontact/mark_tag`.
 * Query strings are dropped: faults, limits and the recorder key on the path only.
 */
export function normalizeApiPath(path: string): string {
  const bare = path.split('?')[0]!.trim();
  if (bare.startsWith('/cgi-bin/') || bare.startsWith('/_sandbox/')) {
    return bare;
  }
  return `/cgi-bin/${bare.replace(/^\/+/, '')}`;
}
