/**
 * App message size (docs/wecom/api.md, 'App messages'): message/send's `text.content` and
 * `markdown.content` hold at most 2048 bytes of UTF-8, and WeCom cuts what is beyond.
 */
export const APP_MESSAGE_MAX_BYTES = 2048;

/** WeCom drops, without an error, app messages to one member beyond 30 a minute (same section). */
export const APP_MESSAGES_PER_MEMBER_PER_MINUTE = 30;

const encoder = new TextEncoder();
const bytesOf = (s: string): number => encoder.encode(s).length;
const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });

/** The part number put before each part of a split answer: `（2/3）` and a newline. */
function partLabel(i: number, n: number): string {
  return `（${i}/${n}）\n`;
}

/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes each, numbered `（i/n）` when
 * there is more than one. It cuts between lines where it can, and otherwise between
 * characters as a reader sees them (grapheme clusters: an emoji with its modifiers, a
 * letter with its accents), never inside one, so no part ends in half a character.
 * Joining the parts without their labels gives back `text` (the newline at a cut between
 * lines is dropped, as are blank lines that would start a part).
 */
export function splitMessage(text: string, maxBytes = APP_MESSAGE_MAX_BYTES): string[] {
  if (bytesOf(text) <= maxBytes) return [text];
  // The label's size depends on the count of parts: split, and split again if the count grew a digit.
  let count = 2;
  for (;;) {
    const budget = maxBytes - bytesOf(partLabel(count, count));
    if (budget < 8) throw new Error(`maxBytes ${maxBytes} leaves no room for text`);
    const chunks = chunk(text, budget);
    if (String(chunks.length).length <= String(count).length) return chunks.map((c, i) => partLabel(i + 1, chunks.length) + c);
    count = chunks.length;
  }
}

/** Greedy: whole lines while they fit; a line longer than the budget is cut between graphemes. */
function chunk(text: string, budget: number): string[] {
  const out: string[] = [];
  let current = '';
  let currentBytes = 0;
  const flush = () => {
    if (current !== '') out.push(current);
    current = '';
    currentBytes = 0;
  };
  for (const line of text.split('\n')) {
    const lineBytes = bytesOf(line);
    const sep = current === '' ? 0 : 1;
    if (currentBytes + sep + lineBytes <= budget) {
      current = sep === 0 ? line : `${current}\n${line}`;
      currentBytes += sep + lineBytes;
      continue;
    }
    flush();
    if (lineBytes <= budget) {
      current = line;
      currentBytes = lineBytes;
      continue;
    }
    for (const { segment } of graphemes.segment(line)) {
      const b = bytesOf(segment);
      if (currentBytes + b > budget) flush();
      current += segment;
      currentBytes += b;
    }
  }
  flush();
  return out;
}
