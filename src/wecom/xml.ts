import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Safe XML for WeCom payloads: no DTDs, no entity expansion, every value kept as a string
 * (MsgId is a 64-bit integer and must not pass through a JS number).
 */
export class XmlError extends Error {
  readonly code = 'xml_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

// Entity processing stays on so `&amp;`, `&lt;` and `&#20320;` decode as XML requires
// (CDATA is left verbatim). That is safe only because `assertNoDeclarations` rejects
// every DOCTYPE/ENTITY before the parser runs: no user-defined entity can exist.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: false,
});

export type XmlRecord = { [name: string]: string | XmlRecord | XmlRecord[] | string[] };

/** Parses a WeCom `<xml>…</xml>` document into its child elements. */
export function parseWeComXml(text: string): XmlRecord {
  assertNoDeclarations(text);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new XmlError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const doc = parser.parse(text) as Record<string, unknown>;
  const root = doc['xml'];
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new XmlError('expected a single <xml> root element with children');
  }
  return root as XmlRecord;
}

/**
 * Rejects any `<!…>` markup other than CDATA sections and comments (DOCTYPE, ENTITY,
 * ELEMENT, ATTLIST…). Scans like a tokenizer so text inside CDATA (a member may well
 * type "<!DOCTYPE html>") is not mistaken for a declaration, and a declaration cannot
 * hide behind a fake CDATA opener inside a comment.
 */
function assertNoDeclarations(text: string): void {
  let i = text.indexOf('<');
  while (i !== -1) {
    if (text.startsWith('<![CDATA[', i)) {
      i = skipPast(text, ']]>', i + 9);
    } else if (text.startsWith('<!--', i)) {
      i = skipPast(text, '-->', i + 4);
    } else if (text.startsWith('<?', i)) {
      i = skipPast(text, '?>', i + 2);
    } else if (text.startsWith('<!', i)) {
      throw new XmlError('DTDs and entities are not allowed');
    } else {
      i += 1;
    }
    if (i === -1) return; // unterminated section: the validator reports it
    i = text.indexOf('<', i);
  }
}

function skipPast(text: string, end: string, from: number): number {
  const at = text.indexOf(end, from);
  return at === -1 ? -1 : at + end.length;
}

/** Reads a text child; undefined when absent or not a plain value. */
export function textOf(record: XmlRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}
