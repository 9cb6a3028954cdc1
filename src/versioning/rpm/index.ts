/**
 * RPM package versions: `[epoch:]version[-release]` (EVR).
 *
 * Rules: rpm `rpmio/rpmvercmp.c` (`rpmvercmp`), `lib/rpmver.c` (`rpmverParse`, `rpmverCmp`) and the
 * packaging guidelines on `~` and `^` (https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning,
 * https://docs.fedoraproject.org/en-US/packaging-guidelines/Versioning/). Checked against
 * `rpm.vercmp` / `rpm.ver` through `rpm --eval` by `differential.test.ts`.
 */
import { parseComparatorRange, rangeContains, standardOperators } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { compareDigits } from '../order.js';
import { createVersionKind } from '../version-kind.js';

interface RpmParts {
  /** Digits; `'0'` when absent (rpm treats a missing epoch as 0, `rpmverCmp`). */
  epoch: string;
  version: string;
  /**
   * `undefined` when absent. rpm's own `rpmverCmp` then skips the release comparison, which is not a
   * total order (`1.0` = `1.0-1` = `1.0-2` but `1.0-1` < `1.0-2`); here an absent release sorts before
   * every release, like an empty string in `rpmvercmp`.
   */
  release: string | undefined;
}

const kind = createVersionKind<RpmParts>('rpm');

/**
 * Characters rpmbuild allows in Version and Release (`ALLOWED_CHARS_VERREL` = alphanumerics and `._+~^`,
 * macros `%{}` aside), starting with an alphanumeric (`~1`, `^1.2` or `+a` order only by accident). `-`
 * may appear inside the version part because the release starts after the *last* hyphen
 * (`rpmverParse`), as in `1.2.3-3-el7_5`.
 */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~^-]*$/;
const RELEASE = /^[A-Za-z0-9][A-Za-z0-9._+~^]*$/;

function parseParts(raw: string): RpmParts | undefined {
  let epoch = '0';
  let rest = raw;
  const m = /^([0-9]*):/.exec(raw);
  if (m !== null) {
    if (m[1] === '') return undefined;
    epoch = m[1] ?? '0';
    rest = raw.slice(m[0].length);
  }
  let version = rest;
  let release: string | undefined;
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    version = rest.slice(0, hyphen);
    release = rest.slice(hyphen + 1);
    if (!RELEASE.test(release)) return undefined;
  }
  return VERSION.test(version) ? { epoch, version, release } : undefined;
}

/** Past the end of a string reads as C's terminating NUL. */
const NUL = 0;
const TILDE = 0x7e;
const CARET = 0x5e;

function at(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : NUL;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/** The end of the run of one character class starting at `i`. */
function runEnd(s: string, i: number, test: (c: number) => boolean): number {
  let j = i;
  while (j < s.length && test(s.charCodeAt(j))) j++;
  return j;
}

/** Skips separators: everything but alphanumerics, `~` and `^` (rpmvercmp.c). */
function skipSeparators(s: string, i: number): number {
  let j = i;
  for (
    let c = at(s, j);
    j < s.length && !isDigit(c) && !isAlpha(c) && c !== TILDE && c !== CARET;
    c = at(s, ++j)
  );
  return j;
}

/**
 * `~` sorts before everything, the end of the string included (`1.0~rc1` < `1.0`); `^` sorts after the
 * end of the string but before any other segment (`1.0` < `1.0^git1` < `1.0.1`). Returns undefined when
 * neither side is at one of them.
 */
function compareSpecial(a: number, b: number): Comparison | undefined {
  if (a === TILDE || b === TILDE) return a !== TILDE ? 1 : b !== TILDE ? -1 : 0;
  if (a === CARET || b === CARET) {
    if (a === NUL) return -1;
    if (b === NUL) return 1;
    return a !== CARET ? 1 : b !== CARET ? -1 : 0;
  }
  return undefined;
}

/** `a[i..iEnd)` against `b[j..jEnd)`: numbers by value (leading zeros dropped, then length), else by code unit. */
function compareSegments(
  a: string,
  i: number,
  iEnd: number,
  b: string,
  j: number,
  jEnd: number,
  numeric: boolean,
): Comparison {
  let x = i;
  let y = j;
  if (numeric) {
    while (x < iEnd && a.charCodeAt(x) === 0x30) x++;
    while (y < jEnd && b.charCodeAt(y) === 0x30) y++;
    if (iEnd - x !== jEnd - y) return iEnd - x < jEnd - y ? -1 : 1;
  }
  for (; x < iEnd && y < jEnd; x++, y++) {
    const d = a.charCodeAt(x) - b.charCodeAt(y);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x < iEnd ? 1 : y < jEnd ? -1 : 0;
}

/** A port of rpm `rpmvercmp`: alternating alphabetic and numeric segments, numbers beat letters. */
function rpmvercmp(a: string, b: string): Comparison {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    i = skipSeparators(a, i);
    j = skipSeparators(b, j);
    const special = compareSpecial(at(a, i), at(b, j));
    if (special !== undefined) {
      if (special !== 0) return special;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a.charCodeAt(i));
    const iEnd = runEnd(a, i, numeric ? isDigit : isAlpha);
    const jEnd = runEnd(b, j, numeric ? isDigit : isAlpha);
    // A numeric segment is newer than an alphabetic one (rpmvercmp.c, "numeric segments are always newer").
    if (jEnd === j) return numeric ? 1 : -1;
    const rc = compareSegments(a, i, iEnd, b, j, jEnd, numeric);
    if (rc !== 0) return rc;
    i = iEnd;
    j = jEnd;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function compare(a: Version, b: Version): Comparison {
  const x = kind.unwrap(a);
  const y = kind.unwrap(b);
  return (
    compareDigits(x.epoch, y.epoch) ||
    rpmvercmp(x.version, y.version) ||
    rpmvercmp(x.release ?? '', y.release ?? '')
  );
}

const OPERATORS = standardOperators(compare);

function parse(raw: string): Version | undefined {
  const parts = parseParts(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

export const rpm = {
  id: 'rpm',
  displayName: 'RPM',
  urls: [
    'https://github.com/rpm-software-management/rpm/blob/master/rpmio/rpmvercmp.c',
    'https://rpm-software-management.github.io/rpm/manual/dependencies.html#versioning',
  ],
  aliases: [
    'rpm',
    'Red Hat',
    'AlmaLinux',
    'Rocky Linux',
    'openSUSE',
    'SUSE',
    'Mageia',
    'openEuler',
    'Photon OS',
  ],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  /** RPM dependency comparisons joined by `,` (AND) and `||` (OR): `>= 1:2.3-1, < 1:2.4`. */
  parseRange: (text: string): Range | undefined =>
    parseComparatorRange({ id: 'rpm', parse }, text, OPERATORS),
} satisfies VersionScheme;
