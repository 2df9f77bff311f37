import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope.ts';
import { MAX_DEPTH, parseWeComXml, XmlError } from './xml.ts';

/** The XmlError message for `text`, or 'accepted'. */
function rejection(text: string): string {
  try {
    parseWeComXml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(XmlError);
    expect((err as XmlError).code).toBe('xml_invalid');
    return (err as XmlError).message;
  }
  return 'accepted';
}

function nested(depth: number): string {
  return `<xml>${'<A>'.repeat(depth - 1)}v${'</A>'.repeat(depth - 1)}</xml>`;
}

describe('parseWeComXml: structure', () => {
  it.each([
    ['crossed tags', '<xml><A><B>1</A></B></xml>', /<\/A> closes <B>/],
    ['an unclosed child', '<xml><A><B>1</B></xml>', /<\/xml> closes <A>/],
    ['a stray end tag', '</xml>', /unexpected <\/xml>/],
    ['text before the root', 'x<xml><A>1</A></xml>', /text outside the root/],
    ['text after the root', '<xml><A>1</A></xml>\nx', /text outside the root/],
    ['an element after the root', '<xml><A>1</A></xml><A/>', /content after the root/],
    ['CDATA outside the root', '<![CDATA[x]]><xml><A>1</A></xml>', /CDATA outside the root/],
    ['an unterminated comment', '<xml><A>1</A><!-- x</xml>', /unterminated comment/],
    ['an unterminated comment after the root', '<xml><A>1</A></xml><!-- x', /unterminated comment/],
    ['an unterminated CDATA at the end', '<xml><A><![CDATA[x', /unterminated CDATA/],
    ['an unterminated processing instruction', '<xml><A>1</A><?pi x</xml>', /unterminated processing instruction/],
    ['input ending inside a tag', '<xml><A', /unexpected end of input|bad start tag/],
    ['a declaration not at the start', ' <?xml version="1.0"?><xml><A>1</A></xml>', /declaration not at the start/],
    ['a declaration inside the root', '<xml><?xml version="1.0"?><A>1</A></xml>', /declaration not at the start/],
    ['a broken declaration', '<?xml version="1.0" encoding="UTF-8><xml><A>1</A></xml>', /bad XML declaration/],
    ['a bad element name', '<xml><1A>1</1A></xml>', /bad element or attribute name/],
    ['an attribute without a value', '<xml><A b>1</A></xml>', /bad attribute/],
    ['an unquoted attribute', '<xml><A b=1>1</A></xml>', /bad attribute/],
    ['an unclosed attribute value', '<xml><A b="1>1</A></xml>', /bad attribute/],
    ['"<" in an attribute value', '<xml><A b="<!DOCTYPE x>">1</A></xml>', /bad attribute/],
    ['an attribute glued to the name', '<xml><A b="1"c="2">1</A></xml>', /bad start tag/],
    ['a bad end tag', '<xml><A>1</A x></xml>', /bad end tag/],
    ['text mixed with elements', '<xml><L>t<Item>1</Item></L></xml>', /<L> mixes text and elements/],
    ['CDATA mixed with elements', '<xml><L><Item>1</Item><![CDATA[t]]></L></xml>', /<L> mixes text and elements/],
    ['a self-closing root', '<xml/>', /<xml> root/],
    ['an element named __proto__', '<xml><__proto__><A>1</A></__proto__></xml>', /__proto__/],
  ])('rejects %s', (_label, text, message) => {
    expect(rejection(text)).toMatch(message);
  });

  it('accepts a BOM, an XML declaration, processing instructions and whitespace around the root', () => {
    const text = '\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?note x?>\n<xml>\n<A>1</A><?pi?>\n</xml>\n<!-- end -->\n';
    expect(parseWeComXml(text)).toEqual({ A: '1' });
  });

  it('checks attributes for syntax and then ignores them', () => {
    const record = parseWeComXml(`<xml id="1"><A id="1" x='a>b' y = "c"  >v</A><B y="z"/><C k="1" /></xml>`);
    expect(record).toEqual({ A: 'v', B: '', C: '' });
  });

  it('accepts whitespace inside end tags and empty or self-closing elements', () => {
    expect(parseWeComXml('<xml ><A >x</A ><B></B><C/></xml >')).toEqual({ A: 'x', B: '', C: '' });
  });

  it(`accepts ${MAX_DEPTH} nested elements and refuses ${MAX_DEPTH + 1}`, () => {
    let record: unknown = parseWeComXml(nested(MAX_DEPTH));
    for (let level = 2; level < MAX_DEPTH; level++) record = (record as Record<string, unknown>)['A'];
    expect(record).toEqual({ A: 'v' });
    expect(rejection(nested(MAX_DEPTH + 1))).toMatch(/nested deeper than 32/);
  });

  it('refuses hostile nesting without exhausting the stack', () => {
    expect(rejection(`<xml>${'<A>'.repeat(200_000)}`)).toMatch(/nested deeper than 32/);
    expect(rejection(`<xml>${'<A/>'.repeat(20_000)}${'</A>'.repeat(20_000)}`)).toMatch(/closes <xml>/);
  });
});

describe('parseWeComXml: record shape', () => {
  it('turns MemChangeList items into an array, and a single item into a string', () => {
    const record = parseWeComXml(
      '<xml><MemChangeList><Item><![CDATA[wm1]]></Item>\n<Item><![CDATA[wm2]]></Item><Item>u3</Item></MemChangeList>' +
        '<One><Item><![CDATA[wm1]]></Item></One><Empty></Empty></xml>',
    );
    expect(record).toEqual({ MemChangeList: { Item: ['wm1', 'wm2', 'u3'] }, One: { Item: 'wm1' }, Empty: '' });
  });

  it('keeps repeated records, and repeats of mixed kinds, in document order', () => {
    const record = parseWeComXml('<xml><R><X>1</X></R><S>a</S><R><X>2</X><Y>3</Y></R><M>1</M><M><X>1</X></M><M/></xml>');
    expect(record).toEqual({ R: [{ X: '1' }, { X: '2', Y: '3' }], S: 'a', M: ['1', { X: '1' }, ''] });
    expect(Object.keys(record)).toEqual(['R', 'S', 'M']);
  });

  it('keeps names that Object.prototype also has as plain own values', () => {
    const record = parseWeComXml('<xml><constructor>1</constructor><toString>2</toString><toString>3</toString><hasOwnProperty/></xml>');
    expect(record).toEqual({ constructor: '1', toString: ['2', '3'], hasOwnProperty: '' });
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  });

  it('reads many distinct element names exactly (the name cache never mixes them up)', () => {
    const names = Array.from({ length: 1500 }, (_, i) => `N${i.toString(36)}`);
    const record = parseWeComXml(`<xml>${names.map((n) => `<${n}>${n}</${n}>`).join('')}</xml>`);
    expect(Object.keys(record)).toEqual(names);
    expect(Object.entries(record).every(([name, value]) => name === value)).toBe(true);
  });

  it('parses a 60 KB body exactly', () => {
    const content = '客户消息：您好，请问企业版多少钱？&<>]]>'.repeat(1000);
    const items = Array.from({ length: 500 }, (_, i) => `<Item>member${i}</Item>`).join('\n');
    const text = `<xml><Content><![CDATA[${content.replaceAll(']]>', ']]]]><![CDATA[>')}]]></Content><L>${items}</L></xml>`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(60_000);
    const record = parseWeComXml(text);
    expect(record['Content']).toBe(content);
    expect((record['L'] as { Item: string[] }).Item).toHaveLength(500);
    expect((record['L'] as { Item: string[] }).Item[499]).toBe('member499');
  });
});

describe('parseWeComXml: text and entities', () => {
  it('decodes the five XML entities and decimal and hex references, once', () => {
    const record = parseWeComXml('<xml><A>&lt;&gt;&amp;&quot;&apos; &#20320;&#x597D;&#x1F600;&#128512; &amp;#38; &#38;lt;</A></xml>');
    expect(record['A']).toBe(`<>&"' 你好😀😀 &#38; &lt;`);
  });

  it.each([
    ['an HTML entity', '&nbsp;', /unknown entity &nbsp;/],
    ['an unknown entity', '&foo;', /unknown entity &foo;/],
    ['a bare ampersand', 'a & b', /bad "&"/],
    ['an unterminated reference', 'a &amp b', /bad "&"/],
    ['an ampersand before a later semicolon', 'Tom & Jerry; ok', /bad "&"/],
    ['an empty reference', '&#;', /bad "&"/],
    ['an uppercase hex marker', '&#X41;', /bad "&"/],
    ['NUL', '&#0;', /not a valid XML character/],
    ['a control character', '&#x1B;', /not a valid XML character/],
    ['a lone surrogate', '&#xD800;', /not a valid XML character/],
    ['U+FFFE', '&#xFFFE;', /not a valid XML character/],
    ['a code point past U+10FFFF', '&#x110000;', /not a valid XML character/],
  ])('refuses %s in text', (_label, value, message) => {
    expect(rejection(`<xml><A>${value}</A></xml>`)).toMatch(message);
    expect(rejection(`<xml><A><![CDATA[x]]>${value}</A></xml>`)).toMatch(message);
  });

  it('never quotes message text in an error', () => {
    expect(rejection('<xml><Content>客户说 & 报价单; 谢谢</Content></xml>')).not.toMatch(/报价/);
  });

  it('leaves references inside CDATA alone', () => {
    expect(parseWeComXml('<xml><A><![CDATA[&nbsp; & &#0;]]></A></xml>')['A']).toBe('&nbsp; & &#0;');
  });

  it('trims XML whitespace around each text run but keeps CDATA and other spaces', () => {
    const record = parseWeComXml(
      '<xml><A>\r\n\t x y \n</A><B>\n  <![CDATA[ c ]]>\n  </B><C> a <![CDATA[ c ]]> b </C><D>\u3000全角\u00a0</D><E>&#32;e&#32;</E></xml>',
    );
    expect(record).toEqual({ A: 'x y', B: ' c ', C: 'a c b', D: '\u3000全角\u00a0', E: ' e ' });
  });

  it('drops comments inside text without splitting the run', () => {
    expect(parseWeComXml('<xml><A> a <!-- c --> b </A><B><!-- only a comment --></B></xml>')).toEqual({ A: 'a  b', B: '' });
  });
});

describe('parseEnvelope: hostile input', () => {
  it('refuses a DTD before the envelope and reads one in CDATA as text', () => {
    expect(() => parseEnvelope('<!DOCTYPE x [<!ENTITY e "QUJD">]><xml><Encrypt>&e;</Encrypt></xml>')).toThrow(/DTDs and entities/);
    expect(parseEnvelope('<xml><Encrypt><![CDATA[<!DOCTYPE x>]]></Encrypt></xml>').encrypt).toBe('<!DOCTYPE x>');
  });

  it('refuses an envelope whose Encrypt holds elements', () => {
    expect(() => parseEnvelope('<xml><Encrypt><A>1</A></Encrypt></xml>')).toThrow(/no <Encrypt>/);
  });
});
