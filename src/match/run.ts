/**
 * `matchSbom`: every package of an SBOM through the matchers of `registry.ts`, then one
 * {@link Finding} per (alias group, package) listing every id, with severity, KEV/EPSS, fix and layer.
 *
 * Effective severity: for distro packages the distro's rating (Debian urgency, Ubuntu priority) when
 * it gives one, else the highest CVSS-scored rating, else the highest textual rating; every rating is
 * kept in `vulnerability.severities`, distro ratings first.
 *
 * @example
 * const store = openVulnStore(defaultDbPath());
 * const result = await matchSbom(sbom, store, { onlyFixed: true });
 */
import type { Package } from '../catalog/model.js';
import type { Sbom } from '../sbom/model.js';
import { introducedInLayer } from '../sbom/package-layer.js';
import type { SeverityRating } from '../vulndb/model.js';
import type { StoredVulnerability, VulnStore } from '../vulndb/store.js';
import { baseImageLayers, findingLayer } from './layers.js';
import type { MatchContext, Matcher, RawMatch } from './matcher.js';
import {
  SCAN_RESULT_SCHEMA_VERSION,
  severityRank,
  type Finding,
  type FindingVulnerability,
  type NotComparable,
  type ScanResult,
} from './model.js';
import { MATCHERS } from './registry.js';
import { effectiveSeverity } from './severity.js';

export interface MatchOptions {
  /** Report only findings with a fix (`fixState: fixed`). */
  onlyFixed?: boolean;
  /** Drop findings without a fix yet (`not-fixed`, `wont-fix`). */
  ignoreUnfixed?: boolean;
  /** Default: {@link MATCHERS}. */
  matchers?: readonly Matcher[];
  /** Fixed `scannedAt` (tests, goldens). */
  now?: Date;
}

interface Tagged {
  matcher: string;
  match: RawMatch;
}

/** Feeds whose word on a distro package comes first (distro trackers, then OSV, then NVD). */
const SOURCE_PREFERENCE: readonly string[] = ['debian', 'alpine', 'osv', 'nvd'];

export async function matchSbom(sbom: Sbom, store: VulnStore, opts: MatchOptions = {}): Promise<ScanResult> {
  const matchers = opts.matchers ?? MATCHERS;
  const ctx: MatchContext = sbom.distro === undefined ? {} : { distro: sbom.distro };
  const base = baseImageLayers(sbom.image.layers);
  const notComparable = new Map<string, NotComparable>();
  const matched: { pkg: Package; groups: Tagged[][] }[] = [];
  for (const m of matchers) {
    m.prefetch?.(
      sbom.packages.filter((p) => m.packageTypes.includes(p.type)),
      store,
      ctx,
    );
  }
  try {
    for (const pkg of sbom.packages) {
      const tagged: Tagged[] = [];
      for (const m of matchers) {
        if (!m.packageTypes.includes(pkg.type)) continue;
        const r = await m.match(pkg, store, ctx);
        for (const match of r.matches) tagged.push({ matcher: m.id, match });
        for (const nc of r.notComparable) notComparable.set(`${pkg.id}\u0000${nc.scheme}`, nc);
      }
      if (tagged.length > 0) matched.push({ pkg, groups: groupByVulnerability(tagged) });
    }
  } finally {
    store.clearPrefetched();
  }
  // every group a scan matched, read in a few batched statements (one `vulnerability()` per group
  // cost ≈ 55 µs: 5,000 packages took ≈ 0.6 s)
  const vulns = store.vulnerabilities(
    matched.flatMap((m) => m.groups.map((g) => g[0]!.match.row.vulnId)),
    undefined,
    { groupIds: true, details: false },
  );
  const findings: Finding[] = [];
  for (const { pkg, groups } of matched) {
    for (const group of groups) {
      const vuln = vulns.get(group[0]!.match.row.vulnId);
      if (vuln === undefined || vuln.withdrawn !== undefined) continue;
      const finding = toFinding(pkg, vuln, group);
      const layerIndex = introducedInLayer(pkg);
      const layer = layerIndex === undefined ? undefined : findingLayer(sbom.image.layers, layerIndex, base);
      findings.push(layer === undefined ? finding : { ...finding, introducedInLayer: layer });
    }
  }
  const kept = findings.filter(
    (f) =>
      (opts.onlyFixed !== true || f.fixState === 'fixed') &&
      (opts.ignoreUnfixed !== true || (f.fixState !== 'not-fixed' && f.fixState !== 'wont-fix')),
  );
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    sbom,
    findings: kept.sort(compareFindings),
    notComparable: [...notComparable.values()],
    db: dbInfo(store),
    scannedAt: (opts.now ?? new Date()).toISOString(),
  };
}

function groupByVulnerability(tagged: readonly Tagged[]): Tagged[][] {
  const groups = new Map<string, Tagged[]>();
  for (const t of tagged) {
    const list = groups.get(t.match.row.vulnId);
    if (list === undefined) groups.set(t.match.row.vulnId, [t]);
    else list.push(t);
  }
  return [...groups.values()];
}

function sourceRank(source: string): number {
  const i = SOURCE_PREFERENCE.indexOf(source);
  return i < 0 ? SOURCE_PREFERENCE.length : i;
}

/** The match whose fix state and fixed version are reported: distro data first, then a known fix. */
function primary(group: readonly Tagged[]): Tagged {
  return [...group].sort(
    (a, b) =>
      Number(b.match.distro) - Number(a.match.distro) ||
      sourceRank(a.match.row.source) - sourceRank(b.match.row.source) ||
      Number(b.match.fixedIn !== undefined) - Number(a.match.fixedIn !== undefined),
  )[0]!;
}

function toFinding(pkg: Package, vuln: StoredVulnerability, group: readonly Tagged[]): Finding {
  const main = primary(group);
  const rowRatings = group.flatMap((t) => (t.match.row.severity === undefined ? [] : [t.match.row.severity]));
  const distroRatings = group
    .filter((t) => t.match.distro)
    .flatMap((t) => (t.match.row.severity ? [t.match.row.severity] : []));
  const severities = uniqueRatings([...distroRatings, ...rowRatings, ...vuln.severities]);
  const { level, cvssScore } = effectiveSeverity(severities, distroRatings);
  const { row } = main.match;
  const note =
    row.note ??
    (main.match.fixState === 'wont-fix' || main.match.fixState === 'end-of-life'
      ? main.match.fixState
      : undefined);
  return {
    vulnerability: toFindingVulnerability(vuln, severities),
    package: { ...pkg },
    fixState: main.match.fixState,
    ...(main.match.fixedIn !== undefined && { fixedIn: main.match.fixedIn }),
    severity: level,
    ...(cvssScore !== undefined && { cvssScore }),
    matchedBy: {
      matcher: main.matcher,
      ecosystem: main.match.ecosystem,
      package: main.match.package,
      source: row.source,
      detail: row.advisoryId,
    },
    ...(note !== undefined && { note }),
  };
}

/** Internal advisory keys of per-package feeds (`DEBIAN-CVE-…/openssl`, `ALPINE-…/v3.20/…`) are not ids. */
function isPublicId(id: string): boolean {
  return !id.includes('/');
}

function toFindingVulnerability(
  vuln: StoredVulnerability,
  severities: SeverityRating[],
): FindingVulnerability {
  const ids = [vuln.id, ...vuln.aliases].filter(isPublicId);
  const id = ids.find((a) => a.startsWith('CVE-')) ?? ids[0] ?? vuln.id;
  return {
    id,
    aliases: [...new Set(ids.filter((a) => a !== id))].sort(),
    ...(vuln.summary !== undefined && { summary: vuln.summary }),
    ...(vuln.published !== undefined && { published: vuln.published }),
    severities,
    references: vuln.references,
    cwes: vuln.cwes,
    ...(vuln.kev !== undefined && {
      kev: {
        dateAdded: vuln.kev.dateAdded,
        ...(vuln.kev.dueDate !== undefined && { dueDate: vuln.kev.dueDate }),
        knownRansomware: vuln.kev.knownRansomware,
      },
    }),
    ...(vuln.epss !== undefined && {
      epss: { score: vuln.epss.score, percentile: vuln.epss.percentile, date: vuln.epss.date },
    }),
  };
}

function uniqueRatings(ratings: readonly SeverityRating[]): SeverityRating[] {
  const seen = new Set<string>();
  return ratings.filter((r) => {
    const key = `${r.source}\u0000${r.type ?? ''}\u0000${r.vector ?? ''}\u0000${r.level}\u0000${r.score ?? ''}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (b.cvssScore ?? -1) - (a.cvssScore ?? -1) ||
    cmp(a.vulnerability.id, b.vulnerability.id) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version) ||
    cmp(a.package.id, b.package.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dbInfo(store: VulnStore): ScanResult['db'] {
  const meta = store.summary();
  return {
    ...(meta.builtAt !== undefined && { builtAt: meta.builtAt }),
    schemaVersion: meta.schemaVersion,
    sources: meta.sources.map((s) => {
      const updatedAt = s.lastIncrementalAt ?? s.lastFullAt;
      return { id: s.source, ...(updatedAt !== undefined && { updatedAt }), records: s.records };
    }),
  };
}
