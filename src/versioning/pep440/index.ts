/**
 * Python package versions (PEP 440) and version specifiers (`>=1.0,<2.0,!=1.5.*`).
 *
 * Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/; reference
 * implementation pypa/packaging `version.py` and `specifiers.py`.
 */
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { createVersionKind } from '../version-kind.js';
import { comparePep440, isPrerelease, parsePep440, publicOf, type Pep440Parts } from './version.js';

const kind = createVersionKind<Pep440Parts>('pep440');

/**
 * Any PEP 440 version, normalised for comparison: `1.0a1` = `1.0.0a1` = `1.0-alpha-1` = `v1.0.0.a.1`,
 * `1.0-1` = `1.0.post1`, `1.0.dev` = `1.0.dev0`, `1.0+Ubuntu-1` = `1.0+ubuntu.1`; `01.2` = `1.2`.
 * Not versions: `french toast`, `1.0+a+`, `1.0 a1`, `1..0`, Arabic-Indic digits.
 */
function parse(raw: string): Version | undefined {
  const parts = parsePep440(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

function compare(a: Version, b: Version): Comparison {
  return comparePep440(kind.unwrap(a), kind.unwrap(b));
}

type Test = (candidate: Pep440Parts) => boolean;

/*
 * The operators as packaging (26.x) defines them, by interval (`packaging/_ranges.py`), following the
 * PEP 440 sections "Version matching", "Compatible release" and "Exclusive ordered comparison".
 */

function increment(digits: string): string {
  return (BigInt(digits === '' ? '0' : digits) + 1n).toString();
}

/** `{epoch}!{release}.dev0`: the lowest version with this release. */
function dev0(epoch: string, release: readonly string[]): Pep440Parts {
  return { epoch, release, pre: undefined, post: undefined, dev: '', local: undefined };
}

/** packaging `_next_prefix_dev0`: the lowest version of the next prefix, `1.2` → `1.3.dev0`. */
function nextPrefixDev0(epoch: string, release: readonly string[]): Pep440Parts {
  return dev0(epoch, [...release.slice(0, -1), increment(release[release.length - 1] ?? '')]);
}

/** `>= low` and `< high`. */
function between(low: Pep440Parts, high: Pep440Parts): Test {
  return (c) => comparePep440(c, low) >= 0 && comparePep440(c, high) < 0;
}

/** `==V.*`: `[V.dev0, next prefix .dev0)`, so `==1.2.*` holds for `1.2.dev0` … `1.2.99+local`. */
function prefixMatch(spec: Pep440Parts): Test {
  return between(dev0(spec.epoch, spec.release), nextPrefixDev0(spec.epoch, spec.release));
}

/** `==V`: equality; when V has no local segment the candidate's local segment is ignored. */
function exactMatch(spec: Pep440Parts): Test {
  return (c) => comparePep440(spec.local === undefined ? publicOf(c) : c, spec) === 0;
}

/** `~=V` ("Compatible release"): `>= V` and below the next prefix, `~=2.2` = `[2.2, 3.dev0)`. */
function compatible(spec: Pep440Parts): Test {
  return between(spec, nextPrefixDev0(spec.epoch, spec.release.slice(0, -1)));
}

/** `<V`: excludes V's own pre-releases unless V is one, i.e. `< V.dev0`. */
function lessThan(spec: Pep440Parts): Test {
  const bound = isPrerelease(spec) ? spec : { ...spec, dev: '', local: undefined };
  return (c) => comparePep440(c, bound) < 0;
}

/** The release "family" of a version: what is left without post, dev and local segments. */
function familyOf(v: Pep440Parts): Pep440Parts {
  return { ...v, post: undefined, dev: undefined, local: undefined };
}

/** `>V`: excludes V's post-releases (unless V is one) and V's local versions. */
function greaterThan(spec: Pep440Parts): Test {
  if (spec.dev !== undefined) {
    const low = { ...spec, dev: increment(spec.dev), local: undefined };
    return (c) => comparePep440(c, low) >= 0;
  }
  if (spec.post !== undefined) {
    const low = { ...spec, post: increment(spec.post), dev: '', local: undefined };
    return (c) => comparePep440(c, low) >= 0;
  }
  return (c) => comparePep440(c, spec) > 0 && comparePep440(familyOf(c), familyOf(spec)) !== 0;
}

/** Each operator: the version text it accepts (specifiers.py `_regex`), and its test. */
const OPERATORS: Readonly<Record<string, (spec: Pep440Parts, wildcard: boolean) => Test | undefined>> = {
  '==': (s, w) => (w ? prefixMatch(s) : exactMatch(s)),
  '!=': (s, w) => {
    const eq = w ? prefixMatch(s) : exactMatch(s);
    return (c) => !eq(c);
  },
  '~=': (s, w) => (w || s.local !== undefined || s.release.length < 2 ? undefined : compatible(s)),
  '<=': (s, w) => (w || s.local !== undefined ? undefined : (c) => comparePep440(publicOf(c), s) <= 0),
  '>=': (s, w) => (w || s.local !== undefined ? undefined : (c) => comparePep440(publicOf(c), s) >= 0),
  '<': (s, w) => (w || s.local !== undefined ? undefined : lessThan(s)),
  '>': (s, w) => (w || s.local !== undefined ? undefined : greaterThan(s)),
};

/** A wildcard is allowed only right after the release: `==1.5.*`, never `==1.5a1.*`. */
const WILDCARD_BASE = /^\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*\s*$/i;

function parseClause(text: string): ((v: Version) => boolean) | undefined {
  const m = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*(.*?)\s*$/.exec(text);
  if (m === null) return undefined;
  const [, op = '', versionText = ''] = m;
  if (op === '===') {
    // "Arbitrary equality": a plain case-insensitive string comparison with the raw version.
    const want = versionText.toLowerCase();
    return /^[^\s;)]+$/.test(versionText) ? (v) => v.raw.trim().toLowerCase() === want : undefined;
  }
  const wildcard = versionText.endsWith('.*');
  const base = wildcard ? versionText.slice(0, -2) : versionText;
  if (wildcard && !WILDCARD_BASE.test(base)) return undefined;
  const spec = parsePep440(base);
  const test = spec === undefined ? undefined : OPERATORS[op]?.(spec, wildcard);
  return test === undefined ? undefined : (v) => test(kind.unwrap(v));
}

/**
 * A PEP 440 specifier set: clauses separated by `,` must all hold. As an extension for advisory data,
 * `||` separates alternatives. Pre-releases are never excluded by policy (packaging's
 * `prereleases=True`), but the `<V` and `>V` exclusions PEP 440 defines as part of the operators hold.
 */
function parseRange(text: string): Range | undefined {
  const alternatives: ((v: Version) => boolean)[][] = [];
  for (const alternative of text.split('||')) {
    const clauses = alternative.split(',').map(parseClause);
    if (clauses.length === 0 || clauses.some((c) => c === undefined)) return undefined;
    alternatives.push(clauses.filter((c) => c !== undefined));
  }
  return createRange('pep440', text, (v) => alternatives.some((all) => all.every((test) => test(v))));
}

export const pep440 = {
  id: 'pep440',
  displayName: 'Python (PEP 440)',
  urls: [
    'https://packaging.python.org/en/latest/specifications/version-specifiers/',
    'https://github.com/pypa/packaging/blob/main/src/packaging/version.py',
  ],
  aliases: ['PyPI'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
