/**
 * A small strict XML 1.0 reader for tests (no XML parser is among the project's dependencies): elements,
 * attributes, character data, the five predefined entities and character references, comments, CDATA and
 * the XML declaration. It throws on anything not well-formed that a writer could get wrong: unbalanced or
 * crossed tags, a bare `<` or `&`, unknown entities, duplicate or unquoted attributes, characters outside
 * XML `Char`, more than one root element, or text outside it. DTDs are rejected (no writer emits one).
 *
 * ref. https://www.w3.org/TR/xml/ (§2.1 well-formed documents, §2.2 characters, §2.4 character data,
 * §3.1 start-tags, §4.1 references)
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The concatenated character data directly inside this element. */
  text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9._:]*/y;
const SPACE = /[ \t\r\n]*/y;
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

class Reader {
  pos = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    const line = this.s.slice(0, this.pos).split('\n').length;
    throw new Error(`XML not well-formed at line ${line} (offset ${this.pos}): ${msg}`);
  }

  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.pos);
  }

  expect(t: string): void {
    if (!this.startsWith(t)) this.fail(`expected "${t}"`);
    this.pos += t.length;
  }

  skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.s);
    this.pos = SPACE.lastIndex;
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (!m) this.fail('expected a name');
    this.pos = NAME.lastIndex;
    return m[0];
  }

  until(t: string, what: string): string {
    const end = this.s.indexOf(t, this.pos);
    if (end < 0) this.fail(`unterminated ${what}`);
    const out = this.s.slice(this.pos, end);
    this.pos = end + t.length;
    return out;
  }
}

/** Resolves entity and character references of raw text; a bare `&` or `<` is an error. */
function decode(r: Reader, raw: string, inAttr: boolean): string {
  if (raw.includes('<')) r.fail(`"<" in ${inAttr ? 'an attribute value' : 'character data'}`);
  if (!inAttr && raw.includes(']]>')) r.fail('"]]>" in character data');
  return raw.replace(/&([^;&\s]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) r.fail(`bare "&" near "${all}"`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (!m) r.fail(`unknown entity "&${ref};"`);
    const cp = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
    const ch = cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    if (ch === '' || NOT_XML_CHAR.test(ch)) r.fail(`character reference "&${ref};" is not an XML Char`);
    return ch;
  });
}

function attributes(r: Reader): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (;;) {
    const before = r.pos;
    r.skipSpace();
    if (r.startsWith('>') || r.startsWith('/>')) return attrs;
    if (r.pos === before) r.fail('attributes must be separated by white space');
    const name = r.name();
    r.skipSpace();
    r.expect('=');
    r.skipSpace();
    const q = r.s[r.pos];
    if (q !== '"' && q !== "'") r.fail(`attribute ${name} is not quoted`);
    r.pos += 1;
    const value = decode(r, r.until(q, 'attribute value'), true);
    if (name in attrs) r.fail(`duplicate attribute ${name}`);
    attrs[name] = value;
  }
}

/** Skips comments and processing instructions; returns false when none was there. */
function misc(r: Reader): boolean {
  if (r.startsWith('<!--')) {
    r.pos += 4;
    if (r.until('-->', 'comment').includes('--')) r.fail('"--" inside a comment');
    return true;
  }
  if (r.startsWith('<?')) {
    r.pos += 2;
    if (r.name().toLowerCase() === 'xml') r.fail('XML declaration not at the start');
    r.until('?>', 'processing instruction');
    return true;
  }
  return false;
}

function content(r: Reader, el: XmlElement): void {
  for (;;) {
    const lt = r.s.indexOf('<', r.pos);
    if (lt < 0) r.fail(`element <${el.name}> is not closed`);
    el.text += decode(r, r.s.slice(r.pos, lt), false);
    r.pos = lt;
    if (r.startsWith('</')) {
      r.pos += 2;
      const name = r.name();
      if (name !== el.name) r.fail(`</${name}> closes <${el.name}>`);
      r.skipSpace();
      r.expect('>');
      return;
    }
    if (r.startsWith('<![CDATA[')) {
      r.pos += 9;
      el.text += r.until(']]>', 'CDATA section');
    } else if (!misc(r)) {
      el.children.push(element(r));
    }
  }
}

function element(r: Reader): XmlElement {
  r.expect('<');
  const el: XmlElement = { name: r.name(), attrs: {}, children: [], text: '' };
  el.attrs = attributes(r);
  if (r.startsWith('/>')) {
    r.pos += 2;
    return el;
  }
  r.expect('>');
  content(r, el);
  return el;
}

/** Parses a whole document; throws an Error saying where it is not well-formed. */
export function parseXml(text: string): XmlElement {
  const r = new Reader(text);
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) {
    r.pos = bad.index;
    r.fail(`character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase()} is not allowed in XML`);
  }
  if (r.startsWith('<?xml')) {
    r.pos += 5;
    const decl = r.until('?>', 'XML declaration');
    if (
      !/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][-A-Za-z0-9._]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        decl,
      )
    ) {
      r.fail(`malformed XML declaration "${decl}"`);
    }
  }
  do r.skipSpace();
  while (misc(r));
  if (r.startsWith('<!DOCTYPE')) r.fail('DTDs are not accepted');
  const root = element(r);
  do r.skipSpace();
  while (misc(r));
  if (r.pos !== text.length) r.fail('content after the root element');
  return root;
}
