/**
 * Composer constraints, after composer/semver `VersionParser::parseConstraints` / `parseConstraint`
 * and `Constraint::versionCompare`: `||` (or `|`) separates alternatives; `,` or a space joins
 * requirements; each requirement is a wildcard (`*`, `1.2.*`), tilde (`~1.2`), caret (`^1.2.3`), hyphen
 * (`1.0 - 2.0`) or comparison (`>=1.0`, `!=1.5`, `<2.0-beta`), reduced to comparisons of normalised
 * versions (https://getcomposer.org/doc/articles/versions.md#writing-version-constraints).
 */
import type { Comparison } from '../scheme.js';
import { MODIFIER, isBranch, normalizeVersion, parseStability } from './normalize.js';
import { phpVersionCompare } from './php-version-compare.js';

export type ComposerOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** One comparison against a normalised version; `any` is MatchAllConstraint. */
export type ComposerConstraint = { op: ComposerOp; version: string } | 'any';

const OP_TESTS: Readonly<Record<ComposerOp, (c: Comparison) => boolean>> = {
  '==': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/** Constraint::versionCompare with `$compareBranches = false`: a branch only matches `!=`, or `==` itself. */
export function matches(version: string, constraint: ComposerConstraint): boolean {
  if (constraint === 'any') return true;
  const { op, version: bound } = constraint;
  if (isBranch(bound) || isBranch(version)) {
    if (op === '!=') return version !== bound;
    return op === '==' && version === bound;
  }
  return OP_TESTS[op](phpVersionCompare(version, bound));
}

/** The version regex of parseConstraint: groups 1–4 numbers, 5–7 modifier, 8 `.x-dev`. */
const VERSION_RE = `v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.(\\d+))?(?:${MODIFIER}|\\.([xX*][.-]?dev))(?:\\+[^\\s]+)?`;
const TILDE = new RegExp(`^~>?${VERSION_RE}$`, 'i');
const CARET = new RegExp(`^\\^${VERSION_RE}$`, 'i');
const X_RANGE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.[xX*])+$/;
const HYPHEN = new RegExp(`^(${VERSION_RE}) +- +(${VERSION_RE})$`, 'i');

const present = (s: string | undefined): s is string => s !== undefined && s !== '';

/**
 * VersionParser::manipulateVersionString: numbers after `position` become 0, the one at `position` is
 * increased by `increment`.
 */
function manipulate(numbers: readonly (string | undefined)[], position: number, increment = 0): string {
  const out: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const n = numbers[i] ?? '';
    if (i > position) out.push('0');
    else if (i === position && increment !== 0)
      out.push((BigInt(n === '' ? '0' : n) + BigInt(increment)).toString());
    else out.push(n);
  }
  return out.join('.');
}

function lowestPosition(m: RegExpExecArray): number {
  return present(m[4]) ? 4 : present(m[3]) ? 3 : present(m[2]) ? 2 : 1;
}

/** "~1.2" → `>= 1.2.0.0-dev, < 2.0.0.0-dev`; "~1.2.3" → `< 1.3.0.0-dev`. */
function tilde(text: string, m: RegExpExecArray): ComposerConstraint[] | undefined {
  if (text.startsWith('~>')) return undefined; // 'Invalid operator "~>", you probably meant to use the "~" operator'
  const position = lowestPosition(m) + (present(m[8]) ? 1 : 0);
  const suffix = !present(m[5]) && !present(m[7]) && !present(m[8]) ? '-dev' : '';
  const low = normalizeVersion(text.slice(1) + suffix);
  if (low === undefined) return undefined;
  return [
    { op: '>=', version: low },
    { op: '<', version: `${manipulate(m, Math.max(1, position - 1), 1)}-dev` },
  ];
}

/** "^1.2.3" → `>= 1.2.3.0-dev, < 2.0.0.0-dev`; "^0.3" → `< 0.4.0.0-dev`; "^0.0.3" → `< 0.0.4.0-dev`. */
function caret(text: string, m: RegExpExecArray): ComposerConstraint[] | undefined {
  let position = 3;
  if (m[1] !== '0' || !present(m[2])) position = 1;
  else if (m[2] !== '0' || !present(m[3])) position = 2;
  const suffix = !present(m[5]) && !present(m[7]) && !present(m[8]) ? '-dev' : '';
  const low = normalizeVersion(text.slice(1) + suffix);
  if (low === undefined) return undefined;
  return [
    { op: '>=', version: low },
    { op: '<', version: `${manipulate(m, position, 1)}-dev` },
  ];
}

/** "1.2.*" → `>= 1.2.0.0-dev, < 1.3.0.0-dev`; "0.*" → `< 1.0.0.0-dev`. */
function xRange(m: RegExpExecArray): ComposerConstraint[] {
  const position = present(m[3]) ? 3 : present(m[2]) ? 2 : 1;
  const low = `${manipulate(m, position)}-dev`;
  const high: ComposerConstraint = { op: '<', version: `${manipulate(m, position, 1)}-dev` };
  return low === '0.0.0.0-dev' ? [high] : [{ op: '>=', version: low }, high];
}

/** "1.0 - 2.0" → `>= 1.0.0.0-dev, < 2.1.0.0-dev`; a complete upper version is inclusive: `<= 2.0.1.0`. */
function hyphen(m: RegExpExecArray): ComposerConstraint[] | undefined {
  const from = m[1] ?? '';
  const to = m[10] ?? '';
  // PHP's empty(): "0" counts as present here (the `$empty` closure of parseConstraint).
  const given = (s: string | undefined): boolean => s === '0' || present(s);
  const lowSuffix = !present(m[6]) && !present(m[8]) && !present(m[9]) ? '-dev' : '';
  const low = normalizeVersion(from);
  const high = normalizeVersion(to);
  if (low === undefined || high === undefined) return undefined;
  const lower: ComposerConstraint = { op: '>=', version: low + lowSuffix };
  if ((given(m[12]) && given(m[13])) || present(m[15]) || present(m[17]) || present(m[18])) {
    return [lower, { op: '<=', version: high }];
  }
  const highNumbers = ['', m[11], m[12], m[13], m[14]];
  return [lower, { op: '<', version: `${manipulate(highNumbers, given(m[12]) ? 2 : 1, 1)}-dev` }];
}

const COMPARISON_OPS: Readonly<Record<string, ComposerOp>> = {
  '<>': '!=',
  '!=': '!=',
  '>=': '>=',
  '>': '>',
  '<=': '<=',
  '<': '<',
  '==': '==',
  '=': '==',
};

/** "Basic Comparators": `>=1.0` → `>= 1.0.0.0-dev` (so pre-releases of 1.0 count), `<2.0` → `< 2.0.0.0-dev`. */
function comparison(text: string, stabilityModifier: string | undefined): ComposerConstraint[] | undefined {
  const m = /^(<>|!=|>=?|<=?|==?)?\s*(.*)$/s.exec(text);
  const versionText = m?.[2] ?? '';
  let version = normalizeVersion(versionText);
  // "recover from an invalid constraint like foobar-dev which should be dev-foobar"
  if (version === undefined && versionText.endsWith('-dev') && /^[0-9a-zA-Z-./]+$/.test(versionText)) {
    version = normalizeVersion(`dev-${versionText.slice(0, -4)}`);
  }
  if (version === undefined) return undefined;
  const op = COMPARISON_OPS[m?.[1] ?? '='] ?? '==';
  if (op !== '==' && stabilityModifier !== undefined && parseStability(version) === 'stable') {
    version += `-${stabilityModifier}`;
  } else if ((op === '<' || op === '>=') && !new RegExp(`-${MODIFIER}$`).test(versionText.toLowerCase())) {
    if (!versionText.startsWith('dev-')) version += '-dev';
  }
  return [{ op, version }];
}

/** VersionParser::parseConstraint: one requirement, after stripping aliases, stability flags and `#refs`. */
export function parseConstraint(input: string): ComposerConstraint[] | undefined {
  let text = input;
  const alias = /^([^,\s]+) +as +([^,\s]+)$/.exec(text);
  if (alias?.[1] !== undefined) text = alias[1];
  let stabilityModifier: string | undefined;
  const flag = /^([^,\s]*?)@(stable|RC|beta|alpha|dev)$/i.exec(text);
  if (flag !== null) {
    text = flag[1] !== '' && flag[1] !== undefined ? flag[1] : '*';
    if (flag[2] !== 'stable') stabilityModifier = flag[2];
  }
  const ref = /^(dev-[^,\s@]+?|[^,\s@]+?\.x-dev)#.+$/i.exec(text);
  if (ref?.[1] !== undefined) text = ref[1];
  const all = /^(v)?[xX*](\.[xX*])*$/i.exec(text);
  if (all !== null) return all[1] || all[2] ? [{ op: '>=', version: '0.0.0.0-dev' }] : ['any'];
  let m: RegExpExecArray | null;
  if ((m = TILDE.exec(text)) !== null) return tilde(text, m);
  if ((m = CARET.exec(text)) !== null) return caret(text, m);
  if ((m = X_RANGE.exec(text)) !== null) return xRange(m);
  if ((m = HYPHEN.exec(text)) !== null) return hyphen(m);
  return comparison(text, stabilityModifier);
}

/** VersionParser::parseConstraints: alternatives of conjunctions. */
export function parseConstraints(text: string): ComposerConstraint[][] | undefined {
  const alternatives: ComposerConstraint[][] = [];
  for (const alternative of text.trim().split(/\s*\|\|?\s*/)) {
    const parts = alternative.split(/(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)/);
    const all: ComposerConstraint[] = [];
    for (const part of parts) {
      const parsed = parseConstraint(part);
      if (parsed === undefined) return undefined;
      all.push(...parsed);
    }
    alternatives.push(all);
  }
  return alternatives;
}
