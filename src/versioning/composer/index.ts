/**
 * Composer (Packagist) package versions and constraints.
 *
 * Rules: https://getcomposer.org/doc/articles/versions.md; reference implementation composer/semver
 * (`VersionParser::normalize`, `VersionParser::parseConstraints`, `Constraint::versionCompare`), which
 * orders normalised versions with PHP's `version_compare()`. Stability order:
 * `dev` < `alpha` < `beta` < `RC` < stable < `patch`.
 */
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { createVersionKind } from '../version-kind.js';
import { matches, parseConstraints } from './constraints.js';
import { isBranch, normalizeVersion } from './normalize.js';
import { phpVersionCompare } from './php-version-compare.js';

/** The normalised version, e.g. `1.2.3.0-beta2`. */
const kind = createVersionKind<string>('composer');

/**
 * Versions Composer can normalise and order: `1.2.3`, `v1.2`, `1.2.3-beta.2`, `1.0.0-RC1`, `1.0-p1`,
 * `2010-01-02`, `1.0.x-dev`, `1.2.3+build`. Not versions: branch names (`dev-main`, `master`), which
 * Composer never orders; aliases (`1.0 as 2.0`) and stability flags (`@dev`), which belong to
 * constraints; anything `normalize()` rejects (`1.0.0-foo`, `1.0.0.0.0`).
 */
function parse(raw: string): Version | undefined {
  if (/[@\s]/.test(raw.trim())) return undefined;
  const normalized = normalizeVersion(raw);
  return normalized === undefined || isBranch(normalized) ? undefined : kind.wrap(raw, normalized);
}

function compare(a: Version, b: Version): Comparison {
  return phpVersionCompare(kind.unwrap(a), kind.unwrap(b));
}

/**
 * Composer constraint syntax (`^1.2 || ~2.0`, `>=1.0 <2.0`, `1.0.*`, `1.0 - 2.0`, `!=1.5`). Note that,
 * as in Composer, unbounded comparisons include pre-releases of their bound (`>=1.0` is
 * `>= 1.0.0.0-dev`), and constraints on branches (`dev-main`) match no parsed version.
 */
function parseRange(text: string): Range | undefined {
  const alternatives = parseConstraints(text);
  if (alternatives === undefined) return undefined;
  return createRange('composer', text, (v) => {
    const normalized = kind.unwrap(v);
    return alternatives.some((all) => all.every((c) => matches(normalized, c)));
  });
}

export const composer = {
  id: 'composer',
  displayName: 'Composer (Packagist)',
  urls: ['https://getcomposer.org/doc/articles/versions.md', 'https://github.com/composer/semver'],
  aliases: ['Packagist', 'composer'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
