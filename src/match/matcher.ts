/**
 * The matcher plugin interface (CONVENTIONS.md §2.2, grype `grype/match/matcher.go`): one object per
 * folder (`dpkg/`, `apk/`, `rpm/`, `cpe/`) or file (`ecosystem.ts`), listed in `registry.ts`. A matcher
 * asks the vulndb about one package and says which stored `affected` rows apply to it; grouping by
 * alias, severities, KEV/EPSS and layers are the runner's job (`run.ts`), so matchers stay small.
 */
import type { Distro, Package, PackageType } from '../catalog/model.js';
import type { AffectedRow, VulnStore } from '../vulndb/store.js';
import type { FixState } from '../vulndb/model.js';
import type { NotComparable } from './model.js';

/** What a matcher may know besides the package: the SBOM's distro (os-release). */
export interface MatchContext {
  distro?: Distro;
}

/** One stored row that applies to the package. */
export interface RawMatch {
  row: AffectedRow;
  /** The state to report: the row's state (`fixed`, `not-fixed`, `wont-fix`, `end-of-life`, `unknown`). */
  fixState: FixState;
  fixedIn?: string;
  /** Which data matched, e.g. `{ ecosystem: 'Debian:bookworm', package: 'openssl' }`. */
  ecosystem: string;
  package: string;
  /** True for distro feeds: their rating comes before CVSS when picking the effective severity. */
  distro: boolean;
}

/** A row that names the package but does not apply (not affected, outside every range): for debugging. */
export interface Ignore {
  row: AffectedRow;
  reason: 'not-affected' | 'outside-range' | 'invalid-range';
}

export interface MatchResult {
  matches: RawMatch[];
  ignores: Ignore[];
  /** The package's version does not parse in the scheme the rows need: reported, never thrown. */
  notComparable: NotComparable[];
}

export interface Matcher {
  /** Stable id: appears in `Finding.matchedBy.matcher` (`dpkg-distro`, `osv-ecosystem`, `cpe`). */
  readonly id: string;
  /** Package types this matcher is asked about; a package may be asked by several matchers. */
  readonly packageTypes: readonly PackageType[];
  /**
   * Looks up `pkg` in `store`. Never throws for bad data in the package or the feed rows: an
   * unparseable installed version becomes a `notComparable` entry, an unparseable row an `Ignore`.
   */
  match(pkg: Package, store: VulnStore, ctx: MatchContext): MatchResult;
  /**
   * Optional: called once per scan with every package this matcher will be asked about, before any
   * `match`, to read their rows in batches (`store.prefetchAffected`). Results must not change.
   */
  prefetch?(pkgs: readonly Package[], store: VulnStore, ctx: MatchContext): void;
}

export function emptyMatchResult(): MatchResult {
  return { matches: [], ignores: [], notComparable: [] };
}
