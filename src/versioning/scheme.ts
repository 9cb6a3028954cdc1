/**
 * The contract of a version scheme (CONVENTIONS.md §2.2), documented member by member in the style of
 * renovate `lib/modules/versioning/types.ts`.
 *
 * A scheme turns the version text of one ecosystem into an opaque {@link Version} once, at the boundary
 * (`parse`), and from then on compares only parsed values (CONVENTIONS.md §2.8 habit 10). Text that is
 * not a version of the scheme parses to `undefined` — never to a guess, never to an exception — so the
 * caller can report the package as "version not comparable" instead of silently ordering garbage
 * (CONVENTIONS.md §3 "Invalid input silently ordered").
 *
 * Ranges come in two flavours, both opaque {@link Range} values that only `satisfies` reads:
 * - OSV event ranges (`introduced` / `fixed` / `last_affected` / `limit`), built generically from any
 *   scheme by `parseOsvRange` in `range.ts`. This is what the matcher uses for almost everything.
 * - Native range syntax where the ecosystem has one (`^1.2 || ~2.0`, `>=1.0,!=1.5.*`, `[1.0,2.0)` …),
 *   through the scheme's optional `parseRange`.
 */

/** The id of every scheme; equal to its folder name under `src/versioning/` (checked by registry.test.ts). */
export type SchemeId =
  'apk' | 'composer' | 'dpkg' | 'gem' | 'go' | 'maven' | 'nuget' | 'pep440' | 'rpm' | 'semver';

/** The result of a comparison: `a < b` → -1, equal → 0, `a > b` → 1. Never any other number. */
export type Comparison = -1 | 0 | 1;

/**
 * A parsed version of one scheme. Opaque: only the scheme that produced it can read its parts.
 *
 * - `scheme` is the id of the scheme that parsed it. Comparing versions of two different schemes is a
 *   programmer error and throws a plain `Error` (CONVENTIONS.md §2.4 tier c): a dpkg `1:1.0-1` and an rpm
 *   `1:1.0-1` only look alike.
 * - `raw` is the exact text given to `parse` (not trimmed, not normalised), for reports and SBOMs.
 * - Two versions may compare equal while their `raw` differ (`1.0` and `1.0.0` in Maven, `1.0rc1` and
 *   `1.0c1` in PEP 440, `1.0.0+build1` and `1.0.0+build2` in SemVer).
 * - Objects created by hand (`{ scheme: 'dpkg', raw: '1.0' }`) are not versions: `compare` throws on them.
 */
export interface Version {
  readonly scheme: SchemeId;
  readonly raw: string;
  /** The raw text. */
  toString(): string;
}

/**
 * A parsed range of one scheme: an OSV event range or a native range expression. Opaque: read it with
 * {@link VersionScheme.satisfies} of the same scheme.
 *
 * - `text` is what it was parsed from: the native expression as given, or a rendering of the OSV events
 *   such as `introduced 0, fixed 1.2.3`, for messages.
 */
export interface Range {
  readonly scheme: SchemeId;
  readonly text: string;
  toString(): string;
}

/** One event of an OSV range (osv-schema `affected[].ranges[].events[]`). */
export type OsvEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface VersionScheme {
  /**
   * Stable, lowercase id; equal to the scheme's folder name. Appears in the vulndb and in reports.
   *
   * @example 'dpkg'
   */
  readonly id: SchemeId;

  /** Human-readable name for docs and messages, e.g. `Debian (dpkg)`. */
  readonly displayName: string;

  /** Where the rules come from: the specification or the reference implementation the scheme follows. */
  readonly urls: readonly string[];

  /**
   * The OSV ecosystem names and purl types this scheme orders, e.g. dpkg serves `Debian`, `Ubuntu` and
   * the purl type `deb`. The registry dispatches on these (case-insensitively, and ignoring an OSV
   * `:release` suffix such as `Debian:12`); no other code switches on ecosystem names
   * (CONVENTIONS.md §3 "A central switch over formats"). An alias belongs to exactly one scheme.
   */
  readonly aliases: readonly string[];

  /**
   * Parses version text. Returns `undefined` — never throws — when the text is not a valid version of
   * the scheme; the caller then reports "version not comparable" and skips the comparison.
   *
   * Edge cases, all schemes:
   * - Empty or whitespace-only text is never a version (even where upstream maps it to `0`, as RubyGems
   *   does): an empty version in scanned data is a defect to report, not the lowest version.
   * - Leading/trailing whitespace is accepted only where the upstream parser trims it (dpkg, npm
   *   semver, PEP 440, RubyGems, NuGet, Composer); `raw` keeps it.
   * - Range syntax is not a version: `>=1.0`, `[1.0,2.0)`, `^1.2` parse to `undefined` in every scheme.
   *
   * @example dpkg.parse('1:2.30-1+deb12u1') // Version; dpkg.parse('abc') // undefined
   */
  parse(raw: string): Version | undefined;

  /**
   * Total order over the scheme's versions: -1, 0 or 1. Equal means "the ecosystem treats them as the
   * same version", not "same text".
   *
   * Throws a plain `Error` when either argument was not produced by this scheme's `parse` (a programmer
   * error; invalid input never gets this far because `parse` returned `undefined`).
   *
   * @example dpkg.compare(dpkg.parse('1.0~rc1')!, dpkg.parse('1.0')!) // -1
   */
  compare(a: Version, b: Version): Comparison;

  /**
   * Whether `version` lies in `range`. The range must come from `parseOsvRange(thisScheme, …)` or from
   * this scheme's `parseRange`; anything else is a programmer error and throws a plain `Error`.
   *
   * Pre-releases are never excluded by policy: a range includes every version between its bounds, so
   * `1.2.0-beta` is inside `>=1.0.0 <1.2.3` even though npm's installer would not pick it. A scanner
   * asks "is this installed version affected", not "would a resolver choose it".
   */
  satisfies(version: Version, range: Range): boolean;

  /**
   * Parses the ecosystem's native range syntax; absent when the ecosystem has none. Returns `undefined`
   * for text that is not a valid range (never throws).
   *
   * Examples: `^1.2.3 || >=2.0.0-rc.1` (npm), `>=1.0,<2.0,!=1.5.*` (PEP 440), `[1.0,2.0)` (Maven),
   * `~> 1.2, >= 1.2.3` (RubyGems), `(,1.0]` (NuGet), `^1.2 || ~2.0` (Composer), `>= 1.2, < 1.4` (Go,
   * rpm), `>= 1.0 << 2.0` (dpkg relations).
   */
  parseRange?(text: string): Range | undefined;
}
