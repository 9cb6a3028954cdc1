/**
 * RubyGems versions (`Gem::Version`) and requirements (`Gem::Requirement`: `~> 1.2`, `>= 1.0, < 2`).
 *
 * Rules: rubygems `lib/rubygems/version.rb` (`VERSION_PATTERN`, `canonical_segments`, `<=>`, `bump`,
 * `release`) and `lib/rubygems/requirement.rb` (`OPS`, `PATTERN`); https://guides.rubygems.org/patterns/#semantic-versioning.
 */
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { compareDigits, compareOrdinal, stripZeros } from '../order.js';
import { createVersionKind } from '../version-kind.js';

/** A segment: a number (digit string without leading zeros) or a run of letters. */
type Segment = { num: true; value: string } | { num: false; value: string };

interface GemParts {
  /** The version after `strip` and `-` → `.pre.` (Gem::Version#initialize). */
  version: string;
  segments: readonly Segment[];
  canonical: readonly Segment[];
}

const kind = createVersionKind<GemParts>('gem');

/** Ruby `\s`: ASCII whitespace only. */
const RUBY_SPACE = '[ \\t\\r\\n\\f\\v]';
/** Gem::Version::VERSION_PATTERN, anchored; unlike RubyGems, blank text is refused instead of meaning 0. */
const ANCHORED_VERSION_PATTERN = new RegExp(
  `^${RUBY_SPACE}*([0-9]+(?:\\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?)${RUBY_SPACE}*$`,
);

/** Gem::Version#partition_segments: `/\d+|[a-z]+/i`, numbers as integers. */
function partition(version: string): Segment[] {
  return (version.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) =>
    /^[0-9]/.test(s) ? { num: true, value: stripZeros(s) } : { num: false, value: s },
  );
}

function isPrerelease(version: string): boolean {
  return /[a-zA-Z]/.test(version);
}

/** Gem::Version#canonical_segments: trailing zeros dropped, and zeros right before a pre-release part. */
function canonicalSegments(version: string): Segment[] {
  let canonical = version.replace(/(?<=[a-zA-Z.])[.0]+$/, '');
  if (isPrerelease(version)) canonical = canonical.replace(/(?<=\.|^)[0.]+(?=[a-zA-Z])/, '');
  return partition(canonical);
}

function partsOf(text: string): GemParts | undefined {
  const m = ANCHORED_VERSION_PATTERN.exec(text);
  if (m?.[1] === undefined) return undefined;
  const version = m[1].replace(/-/g, '.pre.');
  return { version, segments: partition(version), canonical: canonicalSegments(version) };
}

function isZero(s: Segment): boolean {
  return s.num && s.value === '';
}

/** The rest of the longer version decides: a letter first makes it lower, a non-zero number higher. */
function compareTail(tail: readonly Segment[]): Comparison {
  for (const s of tail) {
    if (!s.num) return -1;
    if (!isZero(s)) return 1;
  }
  return 0;
}

/** Gem::Version#<=>. */
function compareParts(a: GemParts, b: GemParts): Comparison {
  if (a.version === b.version) return 0;
  const x = a.canonical;
  const y = b.canonical;
  const limit = Math.min(x.length, y.length);
  for (let i = 0; i < limit; i++) {
    const l = x[i];
    const r = y[i];
    if (l === undefined || r === undefined || (l.num === r.num && l.value === r.value)) continue;
    if (l.num !== r.num) return l.num ? 1 : -1;
    return l.num ? compareDigits(l.value, r.value) : compareOrdinal(l.value, r.value);
  }
  if (x.length > limit) return compareTail(x.slice(limit));
  const tail = compareTail(y.slice(limit));
  return tail === 0 ? 0 : tail === 1 ? -1 : 1;
}

function compare(a: Version, b: Version): Comparison {
  return compareParts(kind.unwrap(a), kind.unwrap(b));
}

function numbersOnly(parts: GemParts): string[] {
  const segments = [...parts.segments];
  while (segments.some((s) => !s.num)) segments.pop();
  return segments.map((s) => (s.value === '' ? '0' : s.value));
}

/** Gem::Version#release: the version without its pre-release part (`1.9.3.alpha.5` → `1.9.3`). */
function release(parts: GemParts): GemParts {
  return isPrerelease(parts.version) ? (partsOf(numbersOnly(parts).join('.')) ?? parts) : parts;
}

/** Gem::Version#bump: drop the pre-release part and the last number, then increment (`5.2.4` → `5.3`). */
function bump(parts: GemParts): GemParts {
  const segments = numbersOnly(parts);
  if (segments.length > 1) segments.pop();
  const last = segments.length - 1;
  segments[last] = (BigInt(segments[last] ?? '0') + 1n).toString();
  return partsOf(segments.join('.')) ?? parts;
}

/** Gem::Requirement::OPS; `~> 1.2` means `>= 1.2` and a release below `2`. */
const OPS: Readonly<Record<string, (v: GemParts, r: GemParts) => boolean>> = {
  '=': (v, r) => compareParts(v, r) === 0,
  '!=': (v, r) => compareParts(v, r) !== 0,
  '>': (v, r) => compareParts(v, r) > 0,
  '<': (v, r) => compareParts(v, r) < 0,
  '>=': (v, r) => compareParts(v, r) >= 0,
  '<=': (v, r) => compareParts(v, r) <= 0,
  '~>': (v, r) => compareParts(v, r) >= 0 && compareParts(release(v), bump(r)) < 0,
};

/** Gem::Requirement::PATTERN: an optional operator (default `=`) and a version. */
function parseRequirement(text: string): ((v: GemParts) => boolean) | undefined {
  const m = new RegExp(`^${RUBY_SPACE}*(~>|>=|<=|!=|=|>|<)?${RUBY_SPACE}*(.*)$`).exec(text);
  const op = OPS[m?.[1] ?? '='];
  const bound = m?.[2] === undefined ? undefined : partsOf(m[2]);
  return op === undefined || bound === undefined ? undefined : (v) => op(v, bound);
}

/**
 * Requirements separated by `,` must all hold (as in a gemspec or a GitHub advisory's
 * `vulnerable_version_range`); `||` separates alternatives (an extension for advisory data).
 */
function parseRange(text: string): Range | undefined {
  const alternatives: ((v: GemParts) => boolean)[][] = [];
  for (const alternative of text.split('||')) {
    const requirements = alternative.split(',').map(parseRequirement);
    if (requirements.some((r) => r === undefined)) return undefined;
    alternatives.push(requirements.filter((r) => r !== undefined));
  }
  return createRange('gem', text, (v) => alternatives.some((all) => all.every((req) => req(kind.unwrap(v)))));
}

/**
 * `1.2.3`, `1.2.3.pre1`, `1.0.0-rc.1` (read as `1.0.0.pre.rc.1`), surrounding whitespace allowed.
 * Not versions: blank text (RubyGems reads it as `0`), `1..2`, `junk`, `1.2 3.4`, a trailing dot.
 */
function parse(raw: string): Version | undefined {
  const parts = partsOf(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

export const gem = {
  id: 'gem',
  displayName: 'RubyGems',
  urls: [
    'https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb',
    'https://guides.rubygems.org/patterns/#pessimistic-version-constraint',
  ],
  aliases: ['RubyGems', 'gem'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
