/**
 * A port of Maven 3.9 `org.apache.maven.artifact.versioning.ComparableVersion` (maven-artifact), the
 * order Maven itself uses (https://maven.apache.org/pom.html#version-order-specification):
 *
 * - items are separated by `.` and `-`, and by every transition between digits and letters;
 * - `-` (and a digit→letter or letter→digit transition) opens a sub-list, compared after the items
 *   before it, so `1-1` < `1.1`;
 * - trailing "null" items (`0`, `''`, `ga`, `final`, `release`, empty lists) are dropped, so
 *   `1` = `1.0` = `1.0.0` = `1-ga`;
 * - qualifiers order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < `` = `ga` = `final` =
 *   `release` < `sp`, then unknown qualifiers in lexical order; `a1`, `b1`, `m1` mean alpha/beta/milestone.
 */
import type { Comparison } from '../scheme.js';
import { compareDigits, compareOrdinal, sign } from '../order.js';

/** Numbers keep Maven's three item classes: Int (≤ 9 digits), Long (≤ 18 digits), BigInteger. */
interface NumberItem {
  kind: 'number';
  /** 0 = IntItem, 1 = LongItem, 2 = BigIntegerItem: Maven orders across classes by class alone. */
  width: number;
  digits: string;
}
interface StringItem {
  kind: 'string';
  value: string;
}
interface ListItem {
  kind: 'list';
  items: Item[];
}
export type Item = NumberItem | StringItem | ListItem;

/** ComparableVersion `MAX_INTITEM_LENGTH` / `MAX_LONGITEM_LENGTH`. */
const MAX_INT_DIGITS = 9;
const MAX_LONG_DIGITS = 18;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
/** `a1` = `alpha-1`, `b1` = `beta-1`, `m1` = `milestone-1` (StringItem constructor, `followedByDigit`). */
const SHORT_BEFORE_DIGIT: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(''));

/** ComparableVersion.stripLeadingZeroes: an all-zero buffer is kept whole ("0000000000" is a LongItem). */
function stripLeadingZeroes(text: string): string {
  if (text === '') return '0';
  const i = text.search(/[^0]/);
  return i === -1 ? text : text.slice(i);
}

function numberItem(text: string): NumberItem {
  const digits = stripLeadingZeroes(text);
  const width = digits.length <= MAX_INT_DIGITS ? 0 : digits.length <= MAX_LONG_DIGITS ? 1 : 2;
  return { kind: 'number', width, digits };
}

function stringItem(text: string, followedByDigit: boolean): StringItem {
  const short = followedByDigit ? SHORT_BEFORE_DIGIT[text] : undefined;
  const value = short ?? text;
  return { kind: 'string', value: ALIASES[value] ?? value };
}

function parseItem(isDigit: boolean, text: string): Item {
  return isDigit ? numberItem(text) : stringItem(text, false);
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'number':
      return /^0*$/.test(item.digits);
    case 'string':
      return comparableQualifier(item.value) === RELEASE_VERSION_INDEX;
    case 'list':
      return item.items.length === 0;
  }
}

/** ListItem.normalize (3.9): drop null items from the end, looking through trailing sub-lists. */
function normalize(list: ListItem): void {
  for (let i = list.items.length - 1; i >= 0; i--) {
    const last = list.items[i];
    if (last === undefined) continue;
    if (isNull(last)) list.items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

/** State of one parse: the list being filled and every list opened so far (ComparableVersion's stack). */
interface Parse {
  list: ListItem;
  stack: ListItem[];
}

function openList(p: Parse): void {
  const sub: ListItem = { kind: 'list', items: [] };
  p.list.items.push(sub);
  p.list = sub;
  p.stack.push(sub);
}

/** ComparableVersion.parseVersion, character by character. */
export function parseComparableVersion(version: string): ListItem {
  const root: ListItem = { kind: 'list', items: [] };
  const p: Parse = { list: root, stack: [root] };
  const text = version.toLowerCase();
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '.' || c === '-') {
      p.list.items.push(i === start ? numberItem('0') : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      if (c === '-') openList(p);
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        // "1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X"
        if (p.list.items.length > 0) openList(p);
        p.list.items.push(stringItem(text.slice(start, i), true));
        start = i;
        openList(p);
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        p.list.items.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList(p);
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && p.list.items.length > 0) openList(p);
    p.list.items.push(parseItem(isDigit, text.slice(start)));
  }
  for (const list of p.stack.reverse()) normalize(list);
  return root;
}

/** StringItem.comparableQualifier: known qualifiers by index, unknown ones after them, lexically. */
function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function compareNumber(a: NumberItem, b: Item | undefined): Comparison {
  if (b === undefined) return isNull(a) ? 0 : 1; // 1.0 == 1, 1.1 > 1
  if (b.kind !== 'number') return 1; // 1.1 > 1-sp, 1.1 > 1-1
  return sign(a.width - b.width) || compareDigits(a.digits, b.digits);
}

function compareString(a: StringItem, b: Item | undefined): Comparison {
  // 1-rc < 1, 1-ga > 1
  if (b === undefined) return compareOrdinal(comparableQualifier(a.value), RELEASE_VERSION_INDEX);
  if (b.kind !== 'string') return -1; // 1.any < 1.1, 1.any < 1-1
  return compareOrdinal(comparableQualifier(a.value), comparableQualifier(b.value));
}

function compareList(a: ListItem, b: Item | undefined): Comparison {
  if (b === undefined) {
    // MNG-6964: compare every item with null, not just the first
    for (const item of a.items) {
      const r = compareItems(item, undefined);
      if (r !== 0) return r;
    }
    return 0;
  }
  if (b.kind === 'number') return -1; // 1-1 < 1.0.x
  if (b.kind === 'string') return 1; // 1-1 > 1-sp
  for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
    const l = a.items[i];
    const r = b.items[i];
    const result =
      l === undefined ? (r === undefined ? 0 : invert(compareItems(r, undefined))) : compareItems(l, r);
    if (result !== 0) return result;
  }
  return 0;
}

function invert(c: Comparison): Comparison {
  return c === 0 ? 0 : c === 1 ? -1 : 1;
}

export function compareItems(a: Item, b: Item | undefined): Comparison {
  switch (a.kind) {
    case 'number':
      return compareNumber(a, b);
    case 'string':
      return compareString(a, b);
    case 'list':
      return compareList(a, b);
  }
}

/** ComparableVersion.getCanonical: items joined by `.`, sub-lists by `-`. */
export function canonical(list: ListItem): string {
  let out = '';
  for (const item of list.items) {
    if (out !== '') out += item.kind === 'list' ? '-' : '.';
    out += item.kind === 'list' ? canonical(item) : item.kind === 'number' ? item.digits : item.value;
  }
  return out;
}
