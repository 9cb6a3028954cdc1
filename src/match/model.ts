/**
 * Findings: packages + vulndb → what is vulnerable (shared/ARCHITECTURE.md "Data model").
 * Report writers format {@link ScanResult}s; policy and the inventory consume them. Matchers produce them.
 */
import type { Package } from '../catalog/model.js';
import type { FixState, SeverityLevel, SeverityRating } from '../vulndb/model.js';
import type { Sbom } from '../sbom/model.js';

/** Bumped when the JSON shape of ScanResult changes incompatibly (documented in report/json/README.md). */
export const SCAN_RESULT_SCHEMA_VERSION = 1;

export interface FindingVulnerability {
  /** Preferred id: the CVE when there is one, else the first id of the alias group. */
  id: string;
  /** Every other id of the same vulnerability (GHSA, DSA, DLA, ALSA, OSV ids…). */
  aliases: string[];
  summary?: string;
  published?: string;
  /** Every rating known, distro first for distro packages. */
  severities: SeverityRating[];
  references: { type?: string; url: string }[];
  cwes: string[];
  kev?: { dateAdded: string; dueDate?: string; knownRansomware: boolean };
  epss?: { score: number; percentile: number; date: string };
}

export interface FindingLayer {
  index: number;
  digest: string;
  createdBy?: string;
  /** True when the layer belongs to a known base image (or the first layers when unknown). */
  baseImage?: boolean;
}

export interface Finding {
  vulnerability: FindingVulnerability;
  /** The affected package (a copy of the SBOM package, so a finding stands alone in reports). */
  package: Package;
  fixState: FixState;
  /** First fixed version in the package's own scheme, when one exists. */
  fixedIn?: string;
  /** The effective severity: the distro's rating for distro packages, else the highest CVSS-based one. */
  severity: SeverityLevel;
  /** Highest CVSS base score among the ratings, for sorting and thresholds. */
  cvssScore?: number;
  /** The layer that introduced the package. */
  introducedInLayer?: FindingLayer;
  /** Which matcher and which data matched: e.g. `dpkg-distro:debian:bookworm:openssl`, `osv:PyPI`, `cpe`. */
  matchedBy: { matcher: string; ecosystem: string; package: string; source: string; detail?: string };
  /** VEX-style analysis state for `wont-fix`, `end-of-life`… (CycloneDX `analysis.state`). */
  note?: string;
}

/** A package whose version could not be compared: reported, never silently dropped (CONVENTIONS §3). */
export interface NotComparable {
  package: Package;
  scheme: string;
  reason: string;
}

/** A finding taken out of `findings` by an ignore-file entry or a VEX `not_affected` statement. */
export interface SuppressedFinding {
  finding: Finding;
  by: 'ignore-file' | 'vex';
  /** The ignore entry's reason, or the VEX statement's impact statement / document. */
  reason: string;
  /** VEX justification (`vulnerable_code_not_in_execute_path`…). */
  justification?: string;
}

export interface ScanResult {
  schemaVersion: typeof SCAN_RESULT_SCHEMA_VERSION;
  sbom: Sbom;
  findings: Finding[];
  notComparable: NotComparable[];
  /** Findings suppressed by `--ignore-file` / `--vex` (absent when neither was given). */
  suppressed?: SuppressedFinding[];
  /** Scan-level warnings (e.g. an expired ignore entry), also printed on stderr. */
  warnings?: string[];
  db: {
    builtAt?: string;
    schemaVersion: string;
    sources: { id: string; updatedAt?: string; records: number }[];
  };
  scannedAt: string;
}

export const SEVERITY_ORDER: readonly SeverityLevel[] = [
  'critical',
  'high',
  'medium',
  'low',
  'negligible',
  'unknown',
];

/** critical → 5 … unknown → 0, for sorting and `--fail-on`. */
export function severityRank(level: SeverityLevel): number {
  return SEVERITY_ORDER.length - 1 - SEVERITY_ORDER.indexOf(level);
}
