/**
 * Reasons show dates in every tier assessment, so a nightly recompute of a million contacts
 * formats millions of them. Building an Intl.DateTimeFormat costs ~70 µs and formatting
 * ~5 µs, so formatters are kept per time zone and days are memoised per 15-minute slice:
 * every UTC offset in use is a multiple of 15 minutes, so a local day starts on a slice
 * boundary and a slice whose first and last instant fall on the same day lies wholly in it.
 */
const SLICE_MS = 15 * 60_000;
const MEMO_LIMIT = 200_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const memos = new Map<string, Map<number, string>>();

/** "11-20" in the business time zone: how reasons show dates to a rep. */
export function formatDay(ms: number, timeZone: string): string {
  let memo = memos.get(timeZone);
  if (!memo) memos.set(timeZone, (memo = new Map()));
  const slice = Math.floor(ms / SLICE_MS);
  const known = memo.get(slice);
  if (known !== undefined) return known;
  const first = format(slice * SLICE_MS, timeZone);
  // A slice that straddles a day (an odd historical offset) is formatted exactly every time.
  if (first !== format(slice * SLICE_MS + SLICE_MS - 1, timeZone)) return format(ms, timeZone);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(slice, first);
  return first;
}

function format(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('month')}-${get('day')}`;
}
