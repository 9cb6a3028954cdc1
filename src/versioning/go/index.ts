/**
 * Go module versions: canonical semantic versions (`v1.2.3`, `v1.2.3-pre.1`), `+incompatible` for v2+
 * modules without a go.mod, pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`), and Go toolchain
 * tags for the standard library (`go1.21.3`, `go1.22rc1`).
 *
 * Rules: golang.org/x/mod `semver` (`Compare`, `comparePrerelease`), `module` (`CanonicalVersion`,
 * `CheckPathMajor`, `pseudo.go`) and https://go.dev/ref/mod#versions. Pseudo-versions need no special
 * case: their pre-release part starts with a 14-digit UTC timestamp, so SemVer precedence already orders
 * them by commit time, below the release they precede.
 */
import { parseComparatorRange, rangeContains, standardOperators } from '../range.js';
import type { Comparison, Range, Version, VersionScheme } from '../scheme.js';
import { compareDigits, compareOrdinal } from '../order.js';
import { createVersionKind } from '../version-kind.js';

interface GoParts {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated identifiers; empty for a release. */
  prerelease: readonly string[];
}

const kind = createVersionKind<GoParts>('go');

/** SemVer 2 numbers have no leading zeros (x/mod semver `parseInt`). */
const NUM = '(0|[1-9][0-9]*)';
/** An optional `v` (OSV's Go ecosystem drops it, go.mod keeps it), then `MAJOR.MINOR.PATCH[-PRE][+incompatible]`. */
const MODULE_VERSION = new RegExp(`^v?${NUM}\\.${NUM}\\.${NUM}(?:-([0-9A-Za-z.-]+))?(\\+incompatible)?$`);
/**
 * Go release tags as golang.org/x/vuln `GoTagToSemver` reads them: `go1.21` → 1.21.0, `go1.21.3`,
 * `go1.21rc2` → 1.21.0-rc.2, `go1.9.2beta1`, `go1.21-pre1` → 1.21.0-pre.1; `go1` is 1.0.0.
 */
const GO_TAG = new RegExp(`^go${NUM}\\.${NUM}(?:\\.${NUM})?(?:(beta|rc|-pre)${NUM})?$`);

function parsePrerelease(text: string | undefined): string[] | undefined {
  if (text === undefined) return [];
  const ids = text.split('.');
  const valid = ids.every((id) => id !== '' && !/^0[0-9]+$/.test(id));
  return valid ? ids : undefined;
}

function parseModuleVersion(raw: string): GoParts | undefined {
  const m = MODULE_VERSION.exec(raw);
  if (m === null) return undefined;
  const [, major = '', minor = '', patch = '', pre, incompatible] = m;
  // module.CheckPathMajor: "+incompatible" only marks v2+ modules that lack a go.mod.
  if (incompatible !== undefined && compareDigits(major, '2') < 0) return undefined;
  const prerelease = parsePrerelease(pre);
  return prerelease === undefined ? undefined : { major, minor, patch, prerelease };
}

function parseGoTag(raw: string): GoParts | undefined {
  // GoTagToSemver special cases: the first release is tagged "go1", and "go1.0" is not a tag.
  if (raw === 'go1') return { major: '1', minor: '0', patch: '0', prerelease: [] };
  const m = GO_TAG.exec(raw);
  if (m === null || raw === 'go1.0') return undefined;
  const [, major = '', minor = '', patch, phase, n] = m;
  const prerelease = phase !== undefined && n !== undefined ? [phase.replace('-', ''), n] : [];
  return { major, minor, patch: patch ?? '0', prerelease };
}

function isNumeric(id: string): boolean {
  return /^[0-9]+$/.test(id);
}

/** x/mod semver `comparePrerelease` (SemVer 2 §11.4): a release beats its pre-releases. */
function comparePrerelease(x: readonly string[], y: readonly string[]): Comparison {
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 0 : x.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const a = x[i] ?? '';
    const b = y[i] ?? '';
    if (a === b) continue;
    const na = isNumeric(a);
    const nb = isNumeric(b);
    if (na !== nb) return na ? -1 : 1;
    return na ? compareDigits(a, b) : compareOrdinal(a, b);
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function compare(a: Version, b: Version): Comparison {
  const x = kind.unwrap(a);
  const y = kind.unwrap(b);
  return (
    compareDigits(x.major, y.major) ||
    compareDigits(x.minor, y.minor) ||
    compareDigits(x.patch, y.patch) ||
    comparePrerelease(x.prerelease, y.prerelease)
  );
}

/**
 * Module versions as go.mod, build info and OSV write them. Not versions: `(devel)` (the main module of
 * a build), shorthand `v1`/`v1.2` (valid for x/mod `semver` but never a module version), build metadata
 * other than `+incompatible`, and `+incompatible` on v0/v1.
 */
function parse(raw: string): Version | undefined {
  const parts = raw.startsWith('go') ? parseGoTag(raw) : parseModuleVersion(raw);
  return parts === undefined ? undefined : kind.wrap(raw, parts);
}

const OPERATORS = standardOperators(compare);

export const go = {
  id: 'go',
  displayName: 'Go modules',
  urls: ['https://go.dev/ref/mod#versions', 'https://pkg.go.dev/golang.org/x/mod/semver'],
  aliases: ['Go', 'golang'],
  parse,
  compare,
  satisfies: (v: Version, r: Range): boolean => rangeContains(kind, v, r),
  /** Comparisons joined by `,` (AND) and `||` (OR), as in `>= 1.2.0, < 1.4.1`. */
  parseRange: (text: string): Range | undefined => parseComparatorRange({ id: 'go', parse }, text, OPERATORS),
} satisfies VersionScheme;
