/**
 * The advisory model: what every feed importer yields and what the vulndb writer stores.
 * Importers are pure transforms from upstream bytes to {@link AdvisoryRecord}s; the writer merges
 * records by alias so one vulnerability has one row set (CVE ↔ GHSA ↔ DSA/DLA ↔ ALSA …).
 */

/** Where a record came from; also the `--source` names of `corral db import`. */
export type FeedSourceId = 'osv' | 'debian' | 'alpine' | 'nvd' | 'kev' | 'epss';

export type FixState = 'fixed' | 'not-fixed' | 'wont-fix' | 'not-affected' | 'end-of-life' | 'unknown';

export type SeverityLevel = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

export interface SeverityRating {
  /** Who rated it: `nvd`, `debian`, `ghsa`, `osv:<ecosystem>`, a CNA name … */
  source: string;
  level: SeverityLevel;
  /** e.g. `CVSS_V3` / `CVSS_V4` / `CVSS_V2`, or `distro` for a textual distro urgency. */
  type?: string;
  /** CVSS vector string, if any. */
  vector?: string;
  score?: number;
}

/** One event of an OSV-style range (osv-schema `affected[].ranges[].events[]`). */
export type RangeEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  /** OSV range type: `ECOSYSTEM`, `SEMVER`, `GIT`; distro feeds use `ECOSYSTEM`. */
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT';
  events: RangeEvent[];
}

export interface Affected {
  /**
   * OSV ecosystem name of the package (`npm`, `PyPI`, `Go`, `Maven`, `crates.io`, `RubyGems`, `NuGet`,
   * `Packagist`, `Debian`, `Ubuntu`, `Alpine`, `AlmaLinux`, `Rocky Linux`, `Red Hat`, and `cpe` for
   * NVD CPE matches of binary packages).
   */
  ecosystem: string;
  /** Distro release for distro ecosystems (`bookworm` or `12`, `v3.20`, `8`), lowercased; else absent. */
  distroRelease?: string;
  /** Package name as the ecosystem spells it (source package for Debian/Alpine origin). */
  package: string;
  ranges: AffectedRange[];
  /** Explicitly listed affected versions (OSV `versions`). */
  versions: string[];
  fixState: FixState;
  /** First fixed version, when the feed says one. */
  fixedIn?: string;
  /** Distro urgency / per-package severity, when the feed gives one. */
  severity?: SeverityRating;
  /** NVD CPE criteria for `cpe` ecosystem rows (e.g. `cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*`). */
  cpe?: string;
  /** Free-form note from the feed (Debian `nodsa` reason, etc.). */
  note?: string;
}

export interface AdvisoryRecord {
  /** Primary id as the feed spells it (`CVE-2014-0160`, `GHSA-…`, `DSA-…`). */
  id: string;
  source: FeedSourceId;
  aliases: string[];
  summary?: string;
  details?: string;
  published?: string;
  modified?: string;
  /** Withdrawn records delete or hide earlier data for the same id. */
  withdrawn?: string;
  references: { type?: string; url: string }[];
  cwes: string[];
  severities: SeverityRating[];
  affected: Affected[];
}

/** CISA Known Exploited Vulnerabilities entry. */
export interface KevRecord {
  cve: string;
  vendor?: string;
  product?: string;
  name?: string;
  dateAdded: string;
  dueDate?: string;
  knownRansomware: boolean;
  requiredAction?: string;
}

/** FIRST EPSS score for one CVE. */
export interface EpssRecord {
  cve: string;
  score: number;
  percentile: number;
  date: string;
}

/** What an importer yields; KEV and EPSS enrich vulnerabilities rather than define them. */
export type FeedItem =
  | { kind: 'advisory'; record: AdvisoryRecord }
  | { kind: 'kev'; record: KevRecord }
  | { kind: 'epss'; record: EpssRecord }
  /** An id the feed says is gone (incremental deletes). */
  | { kind: 'delete'; source: FeedSourceId; id: string }
  /** A defect in feed data: logged and counted, never fatal (CONVENTIONS.md §2.4 tier a). */
  | { kind: 'unknown'; location: string; code: string; message: string };
