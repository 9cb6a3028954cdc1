/**
 * Debian package versions: `[epoch:]upstream_version[-debian_revision]`.
 *
 * Rules: Debian Policy §5.6.12 (https://www.debian.org/doc/debian-policy/ch-controlfields.html#version);
 * reference implementation dpkg `lib/dpkg/version.c` (`verrevcmp`, `dpkg_version_compare`) and
 * `lib/dpkg/parsehelp.c` (`parseversion`). Checked against `dpkg --compare-versions` by
 * `differential.test.ts`.
 */
import { parseComparatorRange, rangeContains, type OperatorTable } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { sign } from '../order.js';
import { createVersionKind } from '../version-kind.js';

interface DpkgParts {
  epoch: number;
  upstream: string;
  /** `''` when absent; dpkg orders an absent revision like `0`. */
  revision: string;
}

const kind = createVersionKind<DpkgParts>('dpkg');

/** dpkg rejects epochs above INT_MAX ("epoch in version is too big", parsehelp.c). */
const MAX_EPOCH = 2 ** 31 - 1;
/** dpkg trims C `isspace` characters around the version (parsehelp.c `parseversion`). */
const ASCII_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
/** Policy §5.6.12: upstream_version starts with a digit, then alphanumerics and `. + - ~` (and `:` after an epoch). */
const UPSTREAM = /^[0-9][A-Za-z0-9.+~:-]*$/;
/** Policy §5.6.12: debian_revision holds alphanumerics and `+ . ~` only. */
const REVISION = /^[A-Za-z0-9.+~]+$/;

function parseParts(raw: string): DpkgParts | undefined {
  const text = raw.replace(ASCII_SPACE, '');
  if (text === '' || /\s/.test(text)) return undefined;
  let epoch = 0;
  let rest = text;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const epochText = text.slice(0, colon);
    if (!/^[0-9]+$/.test(epochText)) return undefined;
    epoch = Number(epochText);
    if (epoch > MAX_EPOCH) return undefined;
    rest = text.slice(colon + 1);
  }
  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (!REVISION.test(revision)) return undefined;
  }
  if (!UPSTREAM.test(upstream)) return undefined;
  return { epoch, upstream, revision };
}

const CODE_0 = 0x30;
const CODE_9 = 0x39;
const CODE_TILDE = 0x7e;
/** Past the end of a string: `charCodeAt` gives NaN, which we map to C's terminating NUL. */
const NUL = 0;

function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : NUL;
}

function isDigit(c: number): boolean {
  return c >= CODE_0 && c <= CODE_9;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * Weight of a non-digit character (dpkg version.c `order`): `~` sorts before everything, even the end
 * of the string; then the end of the string (and digits, which never reach here); then letters; then
 * every other character, after all letters (Policy §5.6.12).
 */
function order(c: number): number {
  if (isDigit(c) || c === NUL) return 0;
  if (isAlpha(c)) return c;
  if (c === CODE_TILDE) return -1;
  return c + 256;
}

/** dpkg version.c `verrevcmp`: alternating non-digit and digit runs, compared as Policy §5.6.12 says. */
function verrevcmp(a: string, b: string): Comparison {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(at(a, i))) || (j < b.length && !isDigit(at(b, j)))) {
      const ac = order(at(a, i));
      const bc = order(at(b, j));
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    while (at(a, i) === CODE_0) i++;
    while (at(b, j) === CODE_0) j++;
    let firstDiff = 0;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (firstDiff === 0) firstDiff = at(a, i) - at(b, j);
      i++;
      j++;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}

function compare(a: Version, b: Version): Comparison {
  const x = kind.unwrap(a);
  const y = kind.unwrap(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

/**
 * Debian relation operators (Policy §7.1): `<<` and `>>` are strict, `<=`, `=`, `>=` are not. The
 * obsolete `<` and `>` are refused: in Debian they mean `<=`/`>=`, elsewhere strict, so accepting
 * them would silently pick one meaning. A bare version means `=`.
 */
const RELATIONS: OperatorTable = {
  '<<': (c, b) => compare(c, b) < 0,
  '<=': (c, b) => compare(c, b) <= 0,
  '=': (c, b) => compare(c, b) === 0,
  '>=': (c, b) => compare(c, b) >= 0,
  '>>': (c, b) => compare(c, b) > 0,
  '': (c, b) => compare(c, b) === 0,
};

function parse(raw: string): Version | undefined {
  const parts = parseParts(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

export const dpkg = {
  id: 'dpkg',
  displayName: 'Debian (dpkg)',
  urls: [
    'https://www.debian.org/doc/debian-policy/ch-controlfields.html#version',
    'https://git.dpkg.org/cgit/dpkg/dpkg.git/tree/lib/dpkg/version.c',
  ],
  aliases: ['Debian', 'Ubuntu', 'deb'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  /** Debian relations joined by `,` (AND) and `||` (OR): `>= 1.2-1, << 1.3`. */
  parseRange: (text: string): Range | undefined =>
    parseComparatorRange({ id: 'dpkg', parse }, text, RELATIONS),
} satisfies VersionScheme;
