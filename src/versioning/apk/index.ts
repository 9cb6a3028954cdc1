/**
 * Alpine package versions: `digit{.digit}…{letter}{_suffix{#}}…{~hash}{-r#}`.
 *
 * Rules: apk-tools `src/version.c` (3.x tokenizer: `token_first`, `token_next`, `token_cmp`,
 * `apk_version_compare_fuzzy`) and the APKBUILD reference
 * (https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver). Suffix order, low to high:
 * `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`.
 */
import { parseComparatorRange, rangeContains, standardOperators, type OperatorTable } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { compareDigits, compareOrdinal } from '../order.js';
import { createVersionKind } from '../version-kind.js';

/** Token types in the order version.c declares them: a later token type sorts lower when the other side ended. */
const enum Token {
  InitialDigit = 0,
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  SuffixNo = 4,
  CommitHash = 5,
  RevisionNo = 6,
  End = 7,
}

/** version.c `DECLARE_SUFFIXES`: the value of each suffix; `NONE` marks "no suffix". */
const SUFFIXES: Readonly<Record<string, number>> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

interface ApkToken {
  type: Token;
  text: string;
  /** Suffix value, for `Token.Suffix`. */
  suffix: number;
}

const kind = createVersionKind<readonly ApkToken[]>('apk');

/** Patterns of the token that may start at the current position, tried in order (version.c `token_next`). */
const NEXT_TOKEN: readonly { re: RegExp; type: (prev: Token) => Token | undefined }[] = [
  { re: /^[a-z]/, type: (prev) => (prev <= Token.Digit ? Token.Letter : undefined) },
  { re: /^\.([0-9]+)/, type: (prev) => (prev <= Token.Digit ? Token.Digit : undefined) },
  { re: /^([0-9]+)/, type: (prev) => (prev === Token.Suffix ? Token.SuffixNo : undefined) },
  { re: /^_([a-z]*)/, type: (prev) => (prev <= Token.SuffixNo ? Token.Suffix : undefined) },
  { re: /^~([0-9a-f]+)/, type: (prev) => (prev < Token.CommitHash ? Token.CommitHash : undefined) },
  { re: /^-r([0-9]+)/, type: (prev) => (prev < Token.RevisionNo ? Token.RevisionNo : undefined) },
];

/** Splits a version into tokens; undefined when version.c would yield `TOKEN_INVALID`. */
function tokenize(raw: string): ApkToken[] | undefined {
  const first = /^[0-9]+/.exec(raw);
  if (first === null) return undefined;
  const tokens: ApkToken[] = [{ type: Token.InitialDigit, text: first[0], suffix: 0 }];
  let pos = first[0].length;
  while (pos < raw.length) {
    const token = nextToken(raw, pos, tokens[tokens.length - 1]?.type ?? Token.InitialDigit);
    if (token === undefined) return undefined;
    tokens.push(token.token);
    pos = token.end;
  }
  return tokens;
}

function nextToken(raw: string, pos: number, prev: Token): { token: ApkToken; end: number } | undefined {
  const rest = raw.slice(pos);
  for (const { re, type } of NEXT_TOKEN) {
    const m = re.exec(rest);
    if (m === null) continue;
    const t = type(prev);
    if (t === undefined) return undefined;
    const text = m[1] ?? m[0];
    const suffix = t === Token.Suffix ? SUFFIXES[text] : 0;
    if (suffix === undefined) return undefined;
    return { token: { type: t, text, suffix }, end: pos + m[0].length };
  }
  return undefined;
}

/** version.c `token_cmp`. */
function compareTokens(a: ApkToken, b: ApkToken): Comparison {
  switch (a.type) {
    case Token.Digit:
      // "if either of the digits have a leading zero, use raw string comparison similar to Gentoo spec"
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareOrdinal(a.text, b.text);
      return compareDigits(a.text, b.text);
    case Token.InitialDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      return compareDigits(a.text, b.text);
    case Token.Letter:
      return compareOrdinal(a.text, b.text);
    case Token.Suffix:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    case Token.CommitHash:
    case Token.End:
      return compareOrdinal(a.text, b.text);
  }
}

const END: ApkToken = { type: Token.End, text: '', suffix: 0 };

/**
 * version.c `apk_version_compare_fuzzy`: tokens are compared pairwise while their types agree. After
 * that, a pre-release suffix (`_alpha` … `_rc`) makes its side lower (`1.0_rc1` < `1.0`); otherwise the
 * side whose next token type comes later in the grammar is lower, so a side that ended is lower than
 * one that goes on (`1.0` < `1.0.1`, `1.0` < `1.0_p1`, `1.0` < `1.0-r0`). With `fuzzy`, `b` ending
 * first means equal (`3.6.9 ~ 3.6`).
 */
function compareFuzzy(a: readonly ApkToken[], b: readonly ApkToken[], fuzzy: boolean): Comparison {
  let i = 0;
  let ta = a[0] ?? END;
  let tb = b[0] ?? END;
  while (ta.type === tb.type && ta.type < Token.End) {
    const r = compareTokens(ta, tb);
    if (r !== 0) return r;
    i++;
    ta = a[i] ?? END;
    tb = b[i] ?? END;
  }
  if (ta.type === tb.type) return 0;
  if (tb.type === Token.End && fuzzy) return 0;
  if (ta.type === Token.Suffix && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.type === Token.Suffix && tb.suffix < SUFFIX_NONE) return 1;
  return ta.type > tb.type ? -1 : 1;
}

function compare(a: Version, b: Version): Comparison {
  return compareFuzzy(kind.unwrap(a), kind.unwrap(b), false);
}

/** apk dependency operators, plus the fuzzy `~` ("same version prefix") forms of `apk_version_result_mask`. */
const OPERATORS: OperatorTable = {
  ...standardOperators(compare),
  '~': (c, b) => compareFuzzy(kind.unwrap(c), kind.unwrap(b), true) === 0,
  '<~': (c, b) => compareFuzzy(kind.unwrap(c), kind.unwrap(b), true) <= 0,
  '>~': (c, b) => compareFuzzy(kind.unwrap(c), kind.unwrap(b), true) >= 0,
};

function parse(raw: string): Version | undefined {
  const tokens = tokenize(raw);
  return tokens === undefined ? undefined : kind.wrap(raw, tokens);
}

export const apk = {
  id: 'apk',
  displayName: 'Alpine (apk)',
  urls: [
    'https://gitlab.alpinelinux.org/alpine/apk-tools/-/blob/master/src/version.c',
    'https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver',
  ],
  aliases: ['apk', 'Alpine', 'Chainguard', 'Wolfi', 'MinimOS'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  /** apk dependency comparisons (`<`, `<=`, `=`, `>=`, `>`, `~`, `<~`, `>~`) joined by `,` or `||`. */
  parseRange: (text: string): Range | undefined =>
    parseComparatorRange({ id: 'apk', parse }, text, OPERATORS),
} satisfies VersionScheme;
