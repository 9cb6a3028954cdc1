/**
 * PHP's `version_compare()` (php-src `ext/standard/versioning.c`: `php_canonicalize_version`,
 * `compare_special_version_forms`, `php_version_compare`), which Composer applies to normalised
 * versions (composer/semver `Constraint::versionCompare`).
 */
import type { Comparison } from '../scheme.js';
import { compareDigits, sign } from '../order.js';

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isAlnum(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** versioning.c `isdig` / `isndig`: '.' is neither. */
const isdig = (c: string): boolean => isDigit(c) && c !== '.';
const isndig = (c: string): boolean => !isDigit(c) && c !== '.';

/**
 * php_canonicalize_version: `-`, `_`, `+` and other non-alphanumerics become `.`, and a `.` is inserted
 * at every digit↔non-digit transition (`1.0rc1` → `1.0.rc.1`). The first character is kept as is.
 */
export function canonicalize(version: string): string {
  if (version === '') return '';
  let out = version.charAt(0);
  let lp = out;
  for (const c of version.slice(1)) {
    const lq = out.charAt(out.length - 1);
    if (c === '-' || c === '_' || c === '+') {
      if (lq !== '.') out += '.';
    } else if ((isndig(lp) && isdig(c)) || (isdig(lp) && isndig(c))) {
      if (lq !== '.') out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (lq !== '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

/** versioning.c `special_forms`: matched as prefixes, in this order; anything else ranks -1. */
const SPECIAL_FORMS: readonly [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];
const NOT_SPECIAL = -1;
/** What a number is compared as when the other side is a word ("#N#" matches the `#` form). */
const NUMBER_FORM = '#N#';

function formOrder(form: string): number {
  return SPECIAL_FORMS.find(([name]) => form.startsWith(name))?.[1] ?? NOT_SPECIAL;
}

function compareForms(a: string, b: string): Comparison {
  return sign(formOrder(a) - formOrder(b));
}

function comparePart(p1: string, p2: string): Comparison {
  const d1 = isDigit(p1.charAt(0));
  const d2 = isDigit(p2.charAt(0));
  if (d1 && d2) return compareDigits(p1.replace(/[^0-9].*$/, ''), p2.replace(/[^0-9].*$/, ''));
  if (!d1 && !d2) return compareForms(p1, p2);
  return d1 ? compareForms(NUMBER_FORM, p2) : compareForms(p1, NUMBER_FORM);
}

/** The first `.`-separated part of `s`, the rest after that `.`, and whether there was a `.` (C's `n != NULL`). */
function splitFirst(s: string): [string, string, boolean] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s, '', false] : [s.slice(0, dot), s.slice(dot + 1), true];
}

/**
 * php_version_compare: part by part while both sides have text left; then a side that had more parts
 * wins if they start with a number, and is compared as a word against a number otherwise
 * (`1.0` < `1.0.1`, `1.0-beta` < `1.0`, `1.0-pl1` > `1.0`).
 */
export function phpVersionCompare(orig1: string, orig2: string): Comparison {
  if (orig1 === '' || orig2 === '') return orig1 === orig2 ? 0 : orig1 !== '' ? 1 : -1;
  let s1 = orig1.startsWith('#') ? orig1 : canonicalize(orig1);
  let s2 = orig2.startsWith('#') ? orig2 : canonicalize(orig2);
  let more1 = true;
  let more2 = true;
  while (s1 !== '' && s2 !== '' && more1 && more2) {
    const [p1, rest1, dot1] = splitFirst(s1);
    const [p2, rest2, dot2] = splitFirst(s2);
    more1 = dot1;
    more2 = dot2;
    const c = comparePart(p1, p2);
    if (c !== 0) return c;
    if (more1) s1 = rest1;
    if (more2) s2 = rest2;
  }
  if (more1) return isDigit(s1.charAt(0)) ? 1 : phpVersionCompare(s1, NUMBER_FORM);
  if (more2) return isDigit(s2.charAt(0)) ? -1 : phpVersionCompare(NUMBER_FORM, s2);
  return 0;
}
