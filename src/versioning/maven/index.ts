/**
 * Maven artifact versions (ComparableVersion order) and version ranges (`[1.0,2.0)`, `(,1.0],[1.2,)`).
 *
 * Rules: https://maven.apache.org/pom.html#version-order-specification and
 * https://maven.apache.org/enforcer/enforcer-rules/versionRanges.html; reference implementation Maven
 * 3.9 maven-artifact `ComparableVersion` and `VersionRange.createFromVersionSpec`.
 */
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { createVersionKind } from '../version-kind.js';
import { compareItems, parseComparableVersion, type Item } from './comparable-version.js';

const kind = createVersionKind<Item>('maven');

/**
 * Maven orders any string, so almost everything is a version. Refused, as defects to report rather
 * than order: empty text, whitespace or control characters, range syntax (`[ ] ( ) ,`, or a leading
 * comparison operator such as `>=1.0` from another ecosystem's constraint), and non-ASCII decimal
 * digits (Maven's `Character.isDigit` would read `١` as a number).
 */
const NOT_A_VERSION = /^$|^[<>=!~^]|[\s\p{Cc}[\](),]|(?![0-9])\p{Nd}/u;

function parse(raw: string): Version | undefined {
  return NOT_A_VERSION.test(raw) ? undefined : kind.wrap(raw, parseComparableVersion(raw));
}

function compare(a: Version, b: Version): Comparison {
  return compareItems(kind.unwrap(a), kind.unwrap(b));
}

interface Restriction {
  lower: Version | undefined;
  lowerInclusive: boolean;
  upper: Version | undefined;
  upperInclusive: boolean;
}

function contains(r: Restriction, v: Version): boolean {
  if (r.lower !== undefined) {
    const c = compare(r.lower, v);
    if (c > 0 || (c === 0 && !r.lowerInclusive)) return false;
  }
  if (r.upper !== undefined) {
    const c = compare(r.upper, v);
    if (c < 0 || (c === 0 && !r.upperInclusive)) return false;
  }
  return true;
}

/** VersionRange.parseRestriction: `[1.0]`, `[1.0,2.0)`, `(,1.0]`, `[1.2,)`. */
function parseRestriction(spec: string): Restriction | undefined {
  const lowerInclusive = spec.startsWith('[');
  const upperInclusive = spec.endsWith(']');
  const body = spec.slice(1, -1).trim();
  const comma = body.indexOf(',');
  if (comma < 0) {
    // "Single version must be surrounded by []"
    const exact = parse(body);
    return lowerInclusive && upperInclusive && exact !== undefined
      ? { lower: exact, lowerInclusive: true, upper: exact, upperInclusive: true }
      : undefined;
  }
  const lowerText = body.slice(0, comma).trim();
  const upperText = body.slice(comma + 1).trim();
  const lower = lowerText === '' ? undefined : parse(lowerText);
  const upper = upperText === '' ? undefined : parse(upperText);
  if ((lowerText !== '' && lower === undefined) || (upperText !== '' && upper === undefined))
    return undefined;
  if (lower !== undefined && upper !== undefined) {
    // "Range defies version ordering"
    const c = compare(upper, lower);
    if (c < 0 || (c === 0 && !(lowerInclusive && upperInclusive))) return undefined;
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

/**
 * VersionRange.createFromVersionSpec for bracketed specs: one or more restrictions, in increasing
 * order and not overlapping. A bare version (`1.0`) is a *soft* requirement in Maven that matches
 * every version; an advisory never means that, so it is not accepted as a range (write `[1.0]`).
 */
function parseRange(text: string): Range | undefined {
  const restrictions: Restriction[] = [];
  let rest = text.trim();
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const close = rest.search(/[\])]/);
    if (close < 0) return undefined; // "Unbounded range"
    const r = parseRestriction(rest.slice(0, close + 1));
    if (r === undefined) return undefined;
    // "Ranges overlap": each restriction must start at or after the previous one's upper bound.
    const previousUpper = restrictions[restrictions.length - 1]?.upper;
    if (previousUpper !== undefined && (r.lower === undefined || compare(r.lower, previousUpper) < 0))
      return undefined;
    restrictions.push(r);
    rest = rest.slice(close + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest !== '' || restrictions.length === 0) return undefined;
  return createRange('maven', text, (v) => restrictions.some((r) => contains(r, v)));
}

export const maven = {
  id: 'maven',
  displayName: 'Maven',
  urls: [
    'https://maven.apache.org/pom.html#version-order-specification',
    'https://github.com/apache/maven/blob/maven-3.9.x/maven-artifact/src/main/java/org/apache/maven/artifact/versioning/ComparableVersion.java',
  ],
  aliases: ['Maven'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
