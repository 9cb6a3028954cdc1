/**
 * Semantic Versioning 2.0.0 as npm implements it (the `semver` package), for npm and for the other
 * ecosystems whose versions are plain SemVer 2 (crates.io, Hex, SwiftPM).
 *
 * Rules: https://semver.org/spec/v2.0.0.html §11 (precedence: pre-releases below the release,
 * identifiers compared numerically or in ASCII order, build metadata ignored) and
 * https://github.com/npm/node-semver#ranges for range syntax.
 */
import semverLib from 'semver';
import { createRange, rangeContains } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { createVersionKind } from '../version-kind.js';

const kind = createVersionKind<semverLib.SemVer>('semver');

/**
 * Strict SemVer: `1.2.3`, `1.2.3-rc.1+build.5`, with npm's optional leading `v` and surrounding
 * whitespace. Partial versions (`1.2`, `1`) and loose forms (`=1.2.3`, `1.2.3beta`, `01.2.3`) are not
 * versions: npm reads them as ranges, and package.json / OSV versions never use them.
 */
function parse(raw: string): Version | undefined {
  const parsed = semverLib.parse(raw);
  return parsed === null ? undefined : kind.wrap(raw, parsed);
}

function compare(a: Version, b: Version): Comparison {
  // the instance method: `semverLib.compare` re-checks (and may re-construct) both arguments
  return kind.unwrap(a).compare(kind.unwrap(b));
}

/**
 * npm range syntax (`^1.2.3`, `~1.2`, `1.x`, `1.0.0 - 2.0.0`, `>=1.0.0 <2.0.0 || >=3.0.0`), with two
 * scanner choices: pre-releases inside the bounds are included (`includePrerelease`, see
 * `VersionScheme.satisfies`), and commas between comparators are read as spaces, the GitHub advisory
 * database's `vulnerable_version_range` spelling (`>= 4.0.0, < 4.17.21`). Empty text is not a range,
 * although npm would read it as `*`.
 */
function parseRange(text: string): Range | undefined {
  const spec = text.replace(/,/g, ' ');
  if (spec.trim() === '' || semverLib.validRange(spec, { includePrerelease: true }) === null)
    return undefined;
  const range = new semverLib.Range(spec, { includePrerelease: true });
  return createRange('semver', text, (v) => range.test(kind.unwrap(v)));
}

export const semver = {
  id: 'semver',
  displayName: 'Semantic Versioning (npm)',
  urls: ['https://semver.org/spec/v2.0.0.html', 'https://github.com/npm/node-semver'],
  aliases: ['npm', 'crates.io', 'cargo', 'Hex', 'SwiftURL', 'swift'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  parseRange,
} satisfies VersionScheme;
