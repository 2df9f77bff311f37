import { describe, expect, it } from 'vitest';
import { buildEnvelope, parseEnvelope } from './envelope.ts';
import { cdata } from './callback-xml.ts';
import { parseWeComXml, textOf, XmlError } from './xml.ts';

function rejection(text: string): string {
  try {
    parseWeComXml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(XmlError);
    return (err as XmlError).message;
  }
  return 'accepted';
}

describe('parseWeComXml: hostile input', () => {
  it('rejects external entities (XXE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>';
    expect(rejection(xxe)).toMatch(/DTDs and entities/);
  });

  it('rejects billion laughs', () => {
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><A>&lol3;</A></xml>';
    expect(rejection(lol)).toMatch(/DTDs and entities/);
  });

  it('rejects lowercase and stand-alone declarations', () => {
    expect(rejection('<!doctype xml><xml><A>1</A></xml>')).toMatch(/DTDs and entities/);
    expect(rejection('<xml><!ENTITY a "b"><A>1</A></xml>')).toMatch(/DTDs and entities/);
  });

  it('rejects a DOCTYPE hidden between comments behind a fake CDATA opener', () => {
    const sneaky = '<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY a "b">]><!-- ]]> --><xml><A>&a;</A></xml>';
    expect(rejection(sneaky)).toMatch(/DTDs and entities/);
  });

  it('accepts "<!DOCTYPE" typed by a person inside CDATA', () => {
    const record = parseWeComXml('<xml><Content><![CDATA[see <!DOCTYPE html> and <!ENTITY>]]></Content></xml>');
    expect(textOf(record, 'Content')).toBe('see <!DOCTYPE html> and <!ENTITY>');
  });

  it.each([
    ['an unclosed root', '<xml><A>1</A>'],
    ['mismatched tags', '<xml><A>1</B></xml>'],
    ['two roots', '<xml><A>1</A></xml><xml><A>2</A></xml>'],
    ['plain text', 'hello'],
    ['an empty body', ''],
    ['an unterminated CDATA', '<xml><A><![CDATA[x</A></xml>'],
  ])('rejects malformed XML: %s', (_label, text) => {
    expect(rejection(text)).toMatch(/malformed XML/);
  });

  it('rejects a root that is not <xml> or has no children', () => {
    expect(rejection('<root><A>1</A></root>')).toMatch(/<xml> root/);
    expect(rejection('<xml></xml>')).toMatch(/<xml> root/);
    expect(rejection('<xml>text</xml>')).toMatch(/<xml> root/);
  });
});

describe('parseWeComXml: values', () => {
  it('keeps 64-bit integers as exact strings', () => {
    const record = parseWeComXml('<xml><MsgId>7320156203456789012345</MsgId><Id>1234567890123456789</Id></xml>');
    expect(record['MsgId']).toBe('7320156203456789012345');
    expect(record['Id']).toBe('1234567890123456789');
  });

  it('keeps leading zeros and CDATA whitespace, trims whitespace between elements', () => {
    const record = parseWeComXml('<xml>\n  <A>007</A>\n  <B><![CDATA[  两个空格 ]]></B>\n</xml>');
    expect(record).toEqual({ A: '007', B: '  两个空格 ' });
  });

  it('joins CDATA sections split around "]]>"', () => {
    expect(parseWeComXml(`<xml><C>${cdata('a]]>b]]>')}</C></xml>`)['C']).toBe('a]]>b]]>');
  });

  it('decodes XML entities outside CDATA, and leaves CDATA verbatim', () => {
    const record = parseWeComXml('<xml><A>a &amp; b &lt;c&gt; &#20320;&#x597D; &amp;lt;</A><B><![CDATA[&amp;]]></B></xml>');
    expect(record['A']).toBe('a & b <c> 你好 &lt;');
    expect(record['B']).toBe('&amp;');
  });

  it('accepts an XML declaration and comments', () => {
    expect(parseWeComXml('<?xml version="1.0" encoding="UTF-8"?><xml><!-- hi --><A>1</A></xml>')).toEqual({ A: '1' });
  });

  it('textOf returns only plain text children', () => {
    const record = parseWeComXml('<xml><A>1</A><L><Item>x</Item></L><R>1</R><R>2</R></xml>');
    expect(textOf(record, 'A')).toBe('1');
    expect(textOf(record, 'L')).toBeUndefined();
    expect(textOf(record, 'R')).toBeUndefined();
    expect(textOf(record, 'Missing')).toBeUndefined();
  });
});

describe('envelope', () => {
  it('round-trips through buildEnvelope and parseEnvelope', () => {
    expect(parseEnvelope(buildEnvelope('wwcorp', '1000002', 'QUJD+/=='))).toEqual({
      toUserName: 'wwcorp',
      agentId: '1000002',
      encrypt: 'QUJD+/==',
    });
  });

  it('reads the official layout with newlines and no AgentID', () => {
    const body = '<xml>\n<ToUserName><![CDATA[wx1]]></ToUserName>\n<Encrypt><![CDATA[abc]]></Encrypt>\n</xml>';
    expect(parseEnvelope(body)).toEqual({ toUserName: 'wx1', agentId: undefined, encrypt: 'abc' });
  });

  it.each([
    ['absent', '<xml><ToUserName>wx1</ToUserName></xml>'],
    ['empty', '<xml><ToUserName>wx1</ToUserName><Encrypt></Encrypt></xml>'],
    ['repeated', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>'],
  ])('rejects an envelope whose Encrypt is %s', (_label, body) => {
    expect(() => parseEnvelope(body)).toThrow(/no <Encrypt>/);
  });
});
