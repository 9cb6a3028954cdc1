/**
 * PEP 440 versions: parsing, normalisation and ordering, after pypa/packaging `version.py`
 * (`VERSION_PATTERN`, `_parse_letter_version`, `_parse_local_version`, `_cmpkey`).
 *
 * Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/ (PEP 440).
 */
import type { Comparison } from '../scheme.js';
import { compareDigits, compareOrdinal, sign, stripZeros } from '../order.js';

export type PreLabel = 'a' | 'b' | 'rc';

export interface Pep440Parts {
  /** Digits without leading zeros (`''` is 0). Numbers stay strings: PEP 440 puts no bound on them. */
  epoch: string;
  release: readonly string[];
  pre: { label: PreLabel; n: string } | undefined;
  post: string | undefined;
  dev: string | undefined;
  /** Lower-cased segments; numeric ones are digit strings without leading zeros. */
  local: readonly string[] | undefined;
}

/**
 * packaging `VERSION_PATTERN` (version.py), with the surrounding `\s*` of `Version._regex`; ASCII digits
 * only, letters case-insensitive.
 */
const VERSION_PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:([0-9]+)!)?' + // epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // release
    '(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?([0-9]+)?)?' + // pre-release
    '(?:-([0-9]+)|[._-]?(post|rev|r)[._-]?([0-9]+)?)?' + // post-release
    '(?:[._-]?(dev)[._-]?([0-9]+)?)?' + // dev release
    '(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?' + // local version
    '\\s*$',
  'i',
);

/** PEP 440 "Pre-release spelling": alternative spellings normalise to `a`, `b`, `rc`. */
const PRE_SPELLING: Readonly<Record<string, PreLabel>> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

function num(digits: string | undefined): string {
  return stripZeros(digits ?? '');
}

export function parsePep440(raw: string): Pep440Parts | undefined {
  const m = VERSION_PATTERN.exec(raw);
  if (m === null) return undefined;
  const [, epoch, release = '', preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const preLabel = preL === undefined ? undefined : PRE_SPELLING[preL.toLowerCase()];
  return {
    epoch: num(epoch),
    release: release.split('.').map(num),
    pre: preLabel === undefined ? undefined : { label: preLabel, n: num(preN) },
    // "1.0-1" is the implicit post-release spelling; a bare "post"/"rev"/"r" means post0.
    post: postN1 !== undefined ? num(postN1) : postL !== undefined ? num(postN2) : undefined,
    dev: devL === undefined ? undefined : num(devN),
    local: local
      ?.toLowerCase()
      .split(/[._-]/)
      .map((s) => (/^[0-9]+$/.test(s) ? num(s) : s)),
  };
}

/** The normalised form (`str(Version)` in packaging): `1!2.0rc1.post2.dev3+ubuntu.1`. */
export function normalize(v: Pep440Parts): string {
  const n = (s: string): string => (s === '' ? '0' : s);
  let out = v.epoch === '' ? '' : `${v.epoch}!`;
  out += v.release.map(n).join('.');
  if (v.pre) out += `${v.pre.label}${n(v.pre.n)}`;
  if (v.post !== undefined) out += `.post${n(v.post)}`;
  if (v.dev !== undefined) out += `.dev${n(v.dev)}`;
  if (v.local) out += `+${v.local.map((s) => (s === '' ? '0' : s)).join('.')}`;
  return out;
}

export function isPrerelease(v: Pep440Parts): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}

/** `base_version` as parts: epoch and release only. */
export function baseOf(v: Pep440Parts): Pep440Parts {
  return {
    epoch: v.epoch,
    release: v.release,
    pre: undefined,
    post: undefined,
    dev: undefined,
    local: undefined,
  };
}

/** `public` as parts: everything but the local segment. */
export function publicOf(v: Pep440Parts): Pep440Parts {
  return { ...v, local: undefined };
}

/** The release without its trailing zeros (`''` is 0): `_cmpkey` strips them, so 1.0.0 == 1. */
function significantLength(r: readonly string[]): number {
  let end = r.length;
  while (end > 0 && r[end - 1] === '') end--;
  return end;
}

function compareRelease(a: readonly string[], b: readonly string[]): Comparison {
  // tuples compare element-wise after trimming, shorter first
  const la = significantLength(a);
  const lb = significantLength(b);
  const n = Math.min(la, lb);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return la === lb ? 0 : la < lb ? -1 : 1;
}

const PRE_RANK: Readonly<Record<PreLabel, number>> = { a: 0, b: 1, rc: 2 };
/** _cmpkey: a dev-only release (1.0.dev1) sorts before every pre-release of it. */
const PRE_RANK_DEV_ONLY = -1;
/** _cmpkey: no pre-release sorts after rc. */
const PRE_RANK_STABLE = 3;

/** The `pre_rank` of packaging `_cmpkey`. */
function preRank(v: Pep440Parts): number {
  if (v.pre !== undefined) return PRE_RANK[v.pre.label];
  return v.post === undefined && v.dev !== undefined ? PRE_RANK_DEV_ONLY : PRE_RANK_STABLE;
}

/**
 * The `(pre_rank, pre_n, post_rank, post_n, dev_rank, dev_n)` suffix of packaging `_cmpkey`, compared
 * field by field without building the tuples (this runs for every range bound of every PyPI row).
 */
function compareSuffix(a: Pep440Parts, b: Pep440Parts): Comparison {
  if (
    a.pre === undefined &&
    b.pre === undefined &&
    a.post === undefined &&
    b.post === undefined &&
    a.dev === undefined &&
    b.dev === undefined
  )
    return 0;
  return (
    sign(preRank(a) - preRank(b)) ||
    compareDigits(a.pre?.n ?? '', b.pre?.n ?? '') ||
    sign((a.post === undefined ? 0 : 1) - (b.post === undefined ? 0 : 1)) ||
    compareDigits(a.post ?? '', b.post ?? '') ||
    sign((a.dev === undefined ? 1 : 0) - (b.dev === undefined ? 1 : 0)) ||
    compareDigits(a.dev ?? '', b.dev ?? '')
  );
}

/**
 * PEP 440 "Local version identifiers": absent sorts first; segments compare numerically when both are
 * numbers, lexically when both are strings, and a string sorts before a number; a shorter prefix first.
 */
function compareLocal(a: readonly string[] | undefined, b: readonly string[] | undefined): Comparison {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const nx = /^[0-9]*$/.test(x);
    const ny = /^[0-9]*$/.test(y);
    const c = nx && ny ? compareDigits(x, y) : nx !== ny ? (nx ? 1 : -1) : compareOrdinal(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePep440(a: Pep440Parts, b: Pep440Parts): Comparison {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    compareSuffix(a, b) ||
    compareLocal(a.local, b.local)
  );
}
