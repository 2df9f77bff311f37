/**
 * A small strict parser for the XML WeCom sends: an optional `<?xml …?>` declaration, one
 * `<xml>` root, child elements holding CDATA, text or further elements. No DTD is ever
 * read: any `<!…>` other than CDATA and comments is refused, so no entity can be defined.
 * Values stay strings (MsgId is a 64-bit integer and must not pass through a JS number).
 *
 * A general XML library (validate, then parse) cost ~50 µs per envelope and ~65 µs per
 * ~1 KB message; this single pass costs 1–4 µs. It is deliberately strict:
 * - mismatched or unclosed tags, text or a second element outside the root → XmlError;
 * - text mixed with child elements (WeCom never sends it) → XmlError;
 * - only the five XML entities and numeric references to valid XML characters decode;
 *   any other `&name;` (HTML's `&nbsp;` included) or a bare `&` → XmlError;
 * - more than MAX_DEPTH nested elements → XmlError; an element named `__proto__` → XmlError.
 * Attributes are checked for syntax and ignored. Comments and processing instructions are
 * skipped. A text run (comments do not split one) is trimmed of XML whitespace, then its
 * entities decode; CDATA is kept verbatim; runs and CDATA sections concatenate in order.
 * An element with children becomes an XmlRecord; a repeated name becomes an array.
 */
export class XmlError extends Error {
  readonly code = 'xml_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

export type XmlRecord = { [name: string]: string | XmlRecord | XmlRecord[] | string[] };

/** Deeper nesting than any WeCom payload (they use 3 levels) is refused. */
export const MAX_DEPTH = 32;

/** Parses a WeCom `<xml>…</xml>` document into its child elements. */
export function parseWeComXml(text: string): XmlRecord {
  return new Reader(text).document();
}

/** Reads a text child; undefined when absent or not a plain value. */
export function textOf(record: XmlRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/** An element still open: its children so far, or its text so far. */
interface Frame {
  name: string;
  children: XmlRecord | null;
  /** Decoded text and CDATA so far. */
  text: string;
  /** Raw text run not yet trimmed and decoded. */
  run: string;
  hasText: boolean;
}

class Reader {
  /** Index of the next unread character. */
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): XmlRecord {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (text.startsWith('<?xml', this.pos) && isDeclarationEnd(text.charCodeAt(this.pos + 5))) {
      XML_DECLARATION.lastIndex = this.pos;
      if (!XML_DECLARATION.test(text)) throw malformed('bad XML declaration');
      this.pos = XML_DECLARATION.lastIndex;
    }
    this.skipMisc();
    if (this.pos >= text.length) throw malformed('no root element');
    const root = this.rootElement();
    this.skipMisc();
    if (this.pos < text.length) throw malformed('content after the root element');
    return root;
  }

  /** The root element and everything in it, without recursion (see MAX_DEPTH). */
  private rootElement(): XmlRecord {
    const text = this.text;
    const stack: Frame[] = [];
    for (;;) {
      const top = stack[stack.length - 1];
      const lt = top ? text.indexOf('<', this.pos) : this.pos;
      if (lt === -1) throw malformed(`<${shown(top!.name)}> is not closed`);
      if (top && lt > this.pos) top.run += text.slice(this.pos, lt);
      const next = text.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) {
        this.closeTag(lt, top);
        const value = finish(stack.pop()!);
        const parent = stack[stack.length - 1];
        if (parent) addChild(parent, top!.name, value);
        else if (typeof value === 'string') throw notWeComRoot();
        else return value;
      } else if (isCdataAt(text, lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) throw malformed('unterminated CDATA section');
        flushRun(top!);
        top!.text += text.slice(lt + 9, end);
        top!.hasText = true;
        this.pos = end + 3;
      } else if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
        this.skipMarkup(lt);
      } else {
        if (top) flushRun(top);
        if (stack.length === MAX_DEPTH) throw malformed(`elements nested deeper than ${MAX_DEPTH}`);
        const name = this.readName(lt + 1);
        if (!top && name !== 'xml') throw notWeComRoot();
        const selfClosing = this.startTag(lt + 1 + name.length, name);
        const leaf = selfClosing ? '' : top ? this.simpleLeaf(name) : undefined;
        if (leaf === undefined) stack.push({ name, children: null, text: '', run: '', hasText: false });
        else if (top) addChild(top, name, leaf);
        else throw notWeComRoot();
      }
    }
  }

  /**
   * Fast path for the usual `<Name><![CDATA[v]]></Name>` and `<Name>v</Name>`: one CDATA
   * section or one text run, then `</Name>`. Returns undefined without moving for anything
   * else, which then takes the general path (that also reports the errors).
   */
  private simpleLeaf(name: string): string | undefined {
    const text = this.text;
    let value: string;
    let at: number;
    if (isCdataAt(text, this.pos)) {
      const end = text.indexOf(']]>', this.pos + 9);
      if (end === -1) return undefined;
      value = text.slice(this.pos + 9, end);
      at = end + 3;
      if (text.charCodeAt(at) !== 0x3c || text.charCodeAt(at + 1) !== 0x2f) return undefined;
    } else {
      at = text.indexOf('<', this.pos);
      if (at === -1 || text.charCodeAt(at + 1) !== 0x2f) return undefined;
      value = decodeEntities(trimXmlSpace(text.slice(this.pos, at)));
    }
    const close = at + 2 + name.length;
    if (text.charCodeAt(close) !== 0x3e || !sameChars(text, at + 2, name)) return undefined;
    this.pos = close + 1;
    return value;
  }

  /** Skips whitespace, comments and processing instructions outside the root element. */
  private skipMisc(): void {
    const text = this.text;
    for (;;) {
      while (isSpace(text.charCodeAt(this.pos))) this.pos++;
      if (this.pos >= text.length) return;
      if (text.charCodeAt(this.pos) !== 0x3c) throw malformed('text outside the root element');
      if (isCdataAt(text, this.pos)) throw malformed('CDATA outside the root element');
      const next = text.charCodeAt(this.pos + 1);
      if (next !== 0x21 && next !== 0x3f) return;
      this.skipMarkup(this.pos);
    }
  }

  /** Skips a comment or processing instruction at `lt`; refuses every other `<!…>`. */
  private skipMarkup(lt: number): void {
    const text = this.text;
    if (text.startsWith('<!--', lt)) return this.skipPast('-->', lt + 4, 'comment');
    if (text.charCodeAt(lt + 1) === 0x21) throw new XmlError('DTDs and entities are not allowed');
    if (/^xml$/i.test(text.slice(lt + 2, lt + 5)) && isDeclarationEnd(text.charCodeAt(lt + 5))) {
      throw malformed('XML declaration not at the start of the document');
    }
    this.skipPast('?>', lt + 2, 'processing instruction');
  }

  private skipPast(end: string, from: number, what: string): void {
    const at = this.text.indexOf(end, from);
    if (at === -1) throw malformed(`unterminated ${what}`);
    this.pos = at + end.length;
  }

  /** Reads the attributes (checked, dropped) and `>` or `/>` of a start tag; true if `/>`. */
  private startTag(from: number, name: string): boolean {
    const text = this.text;
    let i = from;
    for (;;) {
      const spaced = isSpace(text.charCodeAt(i));
      while (isSpace(text.charCodeAt(i))) i++;
      const c = text.charCodeAt(i);
      if (c === 0x3e /* > */ || (c === 0x2f && text.charCodeAt(i + 1) === 0x3e)) {
        this.pos = c === 0x3e ? i + 1 : i + 2;
        return c === 0x2f;
      }
      if (!spaced) throw malformed(`bad start tag <${shown(name)}>`);
      i = nameEnd(text, i);
      while (isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x3d /* = */) throw malformed(`bad attribute in <${shown(name)}>`);
      do i++; while (isSpace(text.charCodeAt(i)));
      const quote = text.charCodeAt(i);
      const close = quote === 0x22 || quote === 0x27 ? text.indexOf(String.fromCharCode(quote), i + 1) : -1;
      if (close === -1 || text.slice(i + 1, close).includes('<')) throw malformed(`bad attribute in <${shown(name)}>`);
      i = close + 1;
    }
  }

  /** Checks `</name>` at `lt` against the open element. */
  private closeTag(lt: number, open: Frame | undefined): void {
    const text = this.text;
    const name = this.readName(lt + 2);
    if (!open || name !== open.name) {
      throw malformed(open ? `</${shown(name)}> closes <${shown(open.name)}>` : `unexpected </${shown(name)}>`);
    }
    let i = lt + 2 + name.length;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 0x3e) throw malformed(`bad end tag </${shown(name)}>`);
    this.pos = i + 1;
  }

  /**
   * The element name at `from`. Names repeat in every callback, so short ones come from a
   * small cache: slicing a fresh string and hashing it as a property key each time costs
   * more than the rest of the parse.
   */
  private readName(from: number): string {
    const text = this.text;
    const end = nameEnd(text, from);
    if (end - from > MAX_CACHED_NAME) return checkedName(text.slice(from, end));
    let hash = 0;
    for (let i = from; i < end; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
    const slot = hash & (NAME_CACHE_SIZE - 1);
    const cached = nameCache[slot]!;
    if (cached.length === end - from && sameChars(text, from, cached)) return cached;
    return (nameCache[slot] = checkedName(text.slice(from, end)));
  }
}

/** `<?xml version="1.x" encoding="…" standalone="…"?>`; the string is already decoded. */
const XML_DECLARATION = /<\?xml\s+version\s*=\s*(?:"1\.\d+"|'1\.\d+')(?:\s+encoding\s*=\s*(?:"[A-Za-z][\w.-]*"|'[A-Za-z][\w.-]*'))?(?:\s+standalone\s*=\s*(?:"(?:yes|no)"|'(?:yes|no)'))?\s*\?>/y;

const NAME_CACHE_SIZE = 256;
const MAX_CACHED_NAME = 32;
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill('');

function checkedName(name: string): string {
  if (name === '__proto__') throw malformed('element name __proto__ is not allowed');
  return name;
}

/** End of the XML Name starting at `from` (ASCII rules; any non-ASCII character allowed). */
function nameEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  const startOk = (first >= 0x61 && first <= 0x7a) || (first >= 0x41 && first <= 0x5a) || first === 0x5f || first === 0x3a || first >= 0x80;
  if (!startOk) throw malformed(Number.isNaN(first) ? 'unexpected end of input' : 'bad element or attribute name');
  let i = from + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
      || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e || c >= 0x80;
    if (!ok) return i;
    i++;
  }
}

/** `text` holds `chars` at `at` (startsWith is slower on short strings). */
function sameChars(text: string, at: number, chars: string): boolean {
  for (let k = 0; k < chars.length; k++) {
    if (text.charCodeAt(at + k) !== chars.charCodeAt(k)) return false;
  }
  return true;
}

function isCdataAt(text: string, at: number): boolean {
  return text.charCodeAt(at + 2) === 0x5b /* [ */ && text.charCodeAt(at + 1) === 0x21 && text.startsWith('<![CDATA[', at);
}

function flushRun(frame: Frame): void {
  if (frame.run === '') return;
  const trimmed = trimXmlSpace(frame.run);
  frame.run = '';
  if (trimmed === '') return;
  frame.text += decodeEntities(trimmed);
  frame.hasText = true;
}

function finish(frame: Frame): string | XmlRecord {
  flushRun(frame);
  if (frame.children === null) return frame.text;
  if (frame.hasText) throw malformed(`<${shown(frame.name)}> mixes text and elements`);
  return frame.children;
}

function addChild(parent: Frame, name: string, value: string | XmlRecord): void {
  const children = (parent.children ??= {});
  const existing = children[name];
  // Own properties only: `constructor` or `toString` are names like any other here.
  if (existing === undefined || !Object.hasOwn(children, name)) children[name] = value;
  else if (Array.isArray(existing)) (existing as (string | XmlRecord)[]).push(value);
  else children[name] = [existing, value] as string[] | XmlRecord[];
}

function malformed(reason: string): XmlError {
  return new XmlError(`malformed XML: ${reason}`);
}

function notWeComRoot(): XmlError {
  return new XmlError('expected a single <xml> root element with children');
}

/** Names go into error messages: keep them short. */
function shown(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isDeclarationEnd(c: number): boolean {
  return isSpace(c) || c === 0x3f;
}

function trimXmlSpace(run: string): string {
  let start = 0;
  let end = run.length;
  while (start < end && isSpace(run.charCodeAt(start))) start++;
  while (end > start && isSpace(run.charCodeAt(end - 1))) end--;
  return start === 0 && end === run.length ? run : run.slice(start, end);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric references; anything else is refused. */
function decodeEntities(run: string): string {
  let amp = run.indexOf('&');
  if (amp === -1) return run;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = run.indexOf(';', amp + 1);
    const ref = semi === -1 ? '' : run.slice(amp + 1, semi);
    out += run.slice(from, amp) + decodeReference(ref);
    from = semi + 1;
    amp = run.indexOf('&', from);
  }
  return out + run.slice(from);
}

function decodeReference(ref: string): string {
  if (Object.hasOwn(NAMED_ENTITIES, ref)) return NAMED_ENTITIES[ref]!;
  const digits = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
  if (!digits) {
    // Quote the reference only when it looks like one: the rest of the run is message text.
    throw malformed(/^[A-Za-z][\w.-]{0,15}$/.test(ref) ? `unknown entity &${ref};` : 'bad "&" in text (a bare "&" must be written &amp;)');
  }
  const cp = digits[1] !== undefined ? parseInt(digits[1], 16) : parseInt(digits[2]!, 10);
  const isXmlChar = cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff)
    || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
  if (!isXmlChar) throw malformed(`&${ref}; is not a valid XML character`);
  return String.fromCodePoint(cp);
}
