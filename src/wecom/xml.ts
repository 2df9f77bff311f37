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

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: false,
});

export type XmlRecord = { [name: string]: string | XmlRecord | XmlRecord[] | string[] };

/** Parses a WeCom `<xml>…</xml>` document into its child elements. */
export function parseWeComXml(text: string): XmlRecord {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new XmlError('DTDs and entities are not allowed');
  }
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

/** Reads a text child; undefined when absent or not a plain value. */
export function textOf(record: XmlRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}
