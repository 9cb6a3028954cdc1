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
import type { Package, PackageType } from '../catalog/model.js';
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
  type FindingLayer,
  type FindingVulnerability,
  type NotComparable,
  type ScanResult,
} from './model.js';
import { dbIdentity, matchInParallel, workersFor } from './parallel.js';
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
  /**
   * Threads to match on, this one included (default: up to 4, as the machine has cores, for SBOMs of
   * at least `PARALLEL_MIN_PACKAGES` (parallel.ts) packages read from a DB file; 1 = this thread only).
   * Custom `matchers` always run on this thread.
   */
  threads?: number;
}

interface Tagged {
  matcher: string;
  match: RawMatch;
}

/** Feeds whose word on a distro package comes first (distro trackers, then OSV, then NVD). */
const SOURCE_PREFERENCE: readonly string[] = ['debian', 'alpine', 'osv', 'nvd'];

/** Packages per chunk: matched, then their vulnerabilities read, before the next chunk is looked up. */
export const MATCH_CHUNK = 256;

/** What matching needs of an SBOM besides its packages. */
export type MatchScope = Pick<Sbom, 'distro'> & { image: Pick<Sbom['image'], 'layers'> };

/** The findings (unsorted, unfiltered) and not-comparable packages of one chunk, in package order. */
export interface ChunkResult {
  findings: Finding[];
  notComparable: NotComparable[];
}

export async function matchSbom(sbom: Sbom, store: VulnStore, opts: MatchOptions = {}): Promise<ScanResult> {
  const session = new MatchSession(sbom, store, opts.matchers ?? MATCHERS);
  const workers = opts.matchers === undefined ? workersFor(sbom.packages.length, opts.threads) : 0;
  const db = workers > 0 ? dbIdentity(store) : undefined;
  const scope: MatchScope = {
    ...(sbom.distro && { distro: sbom.distro }),
    image: { layers: sbom.image.layers },
  };
  const chunks =
    db === undefined
      ? session.matchAll(sbom.packages, MATCH_CHUNK)
      : await matchInParallel(session, scope, sbom.packages, MATCH_CHUNK, db, workers);
  const findings: Finding[] = [];
  const notComparable: NotComparable[] = [];
  for (const part of chunks) {
    for (const f of part.findings) {
      // a copy of the SBOM package, so that a finding stands alone
      f.package = { ...f.package };
      findings.push(f);
    }
    for (const nc of part.notComparable) notComparable.push(nc);
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
    notComparable,
    db: dbInfo(store),
    scannedAt: (opts.now ?? new Date()).toISOString(),
  };
}

/**
 * One scan's matching state: the matchers by package type, the vulnerabilities read so far (a
 * vulnerability affecting packages of several chunks is read once) and the layer of each package.
 *
 * Work goes by chunks of packages: their rows are read in a few statements (`Matcher.prefetch`),
 * evaluated, and their vulnerabilities read and turned into findings before the next chunk, so a scan
 * of thousands of packages holds one chunk's rows at a time (reading every row first kept ≈ 20,000
 * rows alive through the whole scan, and the garbage collector copied them around).
 */
export class MatchSession {
  readonly #store: VulnStore;
  readonly #matchers: readonly Matcher[];
  readonly #byType: Map<PackageType, Matcher[]>;
  readonly #ctx: MatchContext;
  readonly #vulns = new Map<string, StoredVulnerability | undefined>();
  readonly #layerOf: (pkg: Package) => FindingLayer | undefined;

  constructor(sbom: MatchScope, store: VulnStore, matchers: readonly Matcher[]) {
    this.#store = store;
    this.#matchers = matchers;
    this.#byType = matchersByType(matchers);
    this.#ctx = sbom.distro === undefined ? {} : { distro: sbom.distro };
    this.#layerOf = layerResolver(sbom);
  }

  /**
   * Findings (unsorted, not filtered by fix state) and not-comparable packages of `packages`, in
   * package order; a finding's `package` is the SBOM's own object (the caller copies it).
   */
  matchChunk(packages: readonly Package[]): ChunkResult {
    const matched: { pkg: Package; groups: Tagged[][] }[] = [];
    const notComparable: NotComparable[] = [];
    for (const m of this.#matchers) {
      if (m.prefetch === undefined) continue;
      const types = new Set(m.packageTypes);
      const mine = packages.filter((p) => types.has(p.type));
      if (mine.length > 0) m.prefetch(mine, this.#store, this.#ctx);
    }
    try {
      for (const pkg of packages) {
        const tagged: Tagged[] = [];
        const ncFrom = notComparable.length;
        for (const m of this.#byType.get(pkg.type) ?? []) {
          const r = m.match(pkg, this.#store, this.#ctx);
          for (const match of r.matches) tagged.push({ matcher: m.id, match });
          for (const nc of r.notComparable) {
            // one entry per (package, scheme), as several matchers may use one scheme
            if (!notComparable.slice(ncFrom).some((o) => o.scheme === nc.scheme)) notComparable.push(nc);
          }
        }
        if (tagged.length > 0) matched.push({ pkg, groups: groupByVulnerability(tagged) });
      }
    } finally {
      this.#store.clearPrefetched();
    }
    this.#readVulnerabilities(matched.flatMap((m) => m.groups.map((g) => g[0]!.match.row.vulnId)));
    const findings: Finding[] = [];
    for (const { pkg, groups } of matched) {
      const layer = this.#layerOf(pkg);
      for (const group of groups) {
        const vuln = this.#vulns.get(group[0]!.match.row.vulnId);
        if (vuln === undefined || vuln.withdrawn !== undefined) continue;
        const finding = toFinding(pkg, vuln, group);
        if (layer !== undefined) finding.introducedInLayer = layer;
        findings.push(finding);
      }
    }
    return { findings, notComparable };
  }

  /** Every package of `packages`, chunk by chunk on this thread. */
  matchAll(packages: readonly Package[], chunkSize: number): ChunkResult[] {
    const out: ChunkResult[] = [];
    for (let i = 0; i < packages.length; i += chunkSize) {
      out.push(this.matchChunk(packages.slice(i, i + chunkSize)));
    }
    return out;
  }

  /** Reads the groups not read yet, in a few batched statements (one read per group cost ≈ 55 µs). */
  #readVulnerabilities(groupIds: readonly string[]): void {
    const missing = groupIds.filter((id) => !this.#vulns.has(id));
    if (missing.length === 0) return;
    const got = this.#store.vulnerabilities(missing, { groupIds: true, details: false });
    for (const id of missing) this.#vulns.set(id, got.get(id));
  }
}

/** Package type → the matchers that ask about it, in registry order. */
function matchersByType(matchers: readonly Matcher[]): Map<PackageType, Matcher[]> {
  const out = new Map<PackageType, Matcher[]>();
  for (const m of matchers) {
    for (const type of new Set(m.packageTypes)) {
      const list = out.get(type);
      if (list === undefined) out.set(type, [m]);
      else list.push(m);
    }
  }
  return out;
}

/**
 * The layer that introduced a package, as findings report it; one {@link FindingLayer} per layer index,
 * shared by every finding of that layer (findings are read-only).
 */
function layerResolver(sbom: MatchScope): (pkg: Package) => FindingLayer | undefined {
  const base = baseImageLayers(sbom.image.layers);
  const byIndex = new Map<number, FindingLayer | undefined>();
  return (pkg) => {
    const index = introducedInLayer(pkg);
    if (index === undefined) return undefined;
    if (!byIndex.has(index)) byIndex.set(index, findingLayer(sbom.image.layers, index, base));
    return byIndex.get(index);
  };
}

function groupByVulnerability(tagged: readonly Tagged[]): Tagged[][] {
  if (tagged.length === 1) return [tagged as Tagged[]];
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
  if (group.length === 1) return group[0]!;
  return [...group].sort(
    (a, b) =>
      Number(b.match.distro) - Number(a.match.distro) ||
      sourceRank(a.match.row.source) - sourceRank(b.match.row.source) ||
      Number(b.match.fixedIn !== undefined) - Number(a.match.fixedIn !== undefined),
  )[0]!;
}

function toFinding(pkg: Package, vuln: StoredVulnerability, group: readonly Tagged[]): Finding {
  const main = primary(group);
  // distro ratings first, then every row's, then the record-level ones (plain loops: thousands per scan)
  const distroRatings: SeverityRating[] = [];
  const rowRatings: SeverityRating[] = [];
  for (const t of group) {
    const rating = t.match.row.severity;
    if (rating === undefined) continue;
    if (t.match.distro) distroRatings.push(rating);
    rowRatings.push(rating);
  }
  const severities = uniqueRatings(distroRatings, rowRatings, vuln.severities);
  const { level, cvssScore } = effectiveSeverity(severities, distroRatings);
  const { row } = main.match;
  const note =
    row.note ??
    (main.match.fixState === 'wont-fix' || main.match.fixState === 'end-of-life'
      ? main.match.fixState
      : undefined);
  // built in the documented key order (reports keep it), optional fields only when set, without the
  // temporary objects of conditional spreads
  const finding = {
    vulnerability: toFindingVulnerability(vuln, severities),
    package: pkg,
    fixState: main.match.fixState,
  } as Finding;
  if (main.match.fixedIn !== undefined) finding.fixedIn = main.match.fixedIn;
  finding.severity = level;
  if (cvssScore !== undefined) finding.cvssScore = cvssScore;
  finding.matchedBy = {
    matcher: main.matcher,
    ecosystem: main.match.ecosystem,
    package: main.match.package,
    source: row.source,
    detail: row.advisoryId,
  };
  if (note !== undefined) finding.note = note;
  return finding;
}

/** Internal advisory keys of per-package feeds (`DEBIAN-CVE-…/openssl`, `ALPINE-…/v3.20/…`) are not ids. */
function isPublicId(id: string): boolean {
  return !id.includes('/');
}

function toFindingVulnerability(
  vuln: StoredVulnerability,
  severities: SeverityRating[],
): FindingVulnerability {
  const ids = vuln.aliases.length === 0 ? [vuln.id] : [vuln.id, ...vuln.aliases];
  const publicIds = ids.filter(isPublicId);
  const id = publicIds.find((a) => a.startsWith('CVE-')) ?? publicIds[0] ?? vuln.id;
  const aliases = publicIds.length <= 1 ? [] : [...new Set(publicIds.filter((a) => a !== id))].sort();
  // the documented key order, optional fields only when set
  const out = { id, aliases } as FindingVulnerability;
  if (vuln.summary !== undefined) out.summary = vuln.summary;
  if (vuln.published !== undefined) out.published = vuln.published;
  out.severities = severities;
  out.references = vuln.references;
  out.cwes = vuln.cwes;
  if (vuln.kev !== undefined) {
    out.kev = {
      dateAdded: vuln.kev.dateAdded,
      ...(vuln.kev.dueDate !== undefined && { dueDate: vuln.kev.dueDate }),
      knownRansomware: vuln.kev.knownRansomware,
    };
  }
  if (vuln.epss !== undefined) {
    out.epss = { score: vuln.epss.score, percentile: vuln.epss.percentile, date: vuln.epss.date };
  }
  return out;
}

function sameRating(a: SeverityRating, b: SeverityRating): boolean {
  return (
    a.source === b.source &&
    a.type === b.type &&
    a.vector === b.vector &&
    a.level === b.level &&
    a.score === b.score
  );
}

/** The ratings of `lists` in order without repeats, first occurrence kept (a handful per finding). */
function uniqueRatings(...lists: (readonly SeverityRating[])[]): SeverityRating[] {
  const out: SeverityRating[] = [];
  for (const list of lists) {
    for (const r of list) if (!out.some((o) => sameRating(o, r))) out.push(r);
  }
  return out;
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
