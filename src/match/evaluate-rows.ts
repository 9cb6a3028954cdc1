/**
 * The one place that decides whether stored `affected` rows apply to an installed version, shared by
 * every matcher: OSV range evaluation through the versioning registry (`range.ts`), explicit `versions`
 * lists, and the fix states of distro feeds. A `not-affected` row (Debian tracker / Alpine secdb `0`)
 * cancels every row of the same vulnerability group for this package — grype's secdb "NAK" rule —
 * because the distro knows its package better than a generic feed does.
 */
import type { Package } from '../catalog/model.js';
import { parseOsvRange } from '../versioning/range.js';
import { schemeFor } from '../versioning/registry.js';
import type { Range, Version, VersionScheme } from '../versioning/scheme.js';
import type { AffectedRange } from '../vulndb/model.js';
import type { AffectedRow } from '../vulndb/store.js';
import { emptyMatchResult, type Ignore, type MatchResult, type RawMatch } from './matcher.js';

export interface RowSpec {
  /** How the data was looked up, for `matchedBy` (`Debian:bookworm`, `npm`). */
  ecosystem: (row: AffectedRow) => string;
  /** Distro feed rows: their rating wins over CVSS. */
  distro: boolean;
}

/** States that mean "affected" even when a row carries no range (tracker `<unfixed>`, no-dsa, EOL). */
const OPEN_STATES = new Set(['not-fixed', 'wont-fix', 'end-of-life']);

/**
 * Evaluates `rows` (already looked up for `pkg`) against `pkg.version` in `scheme`.
 *
 * @example
 * evaluateRows(pkg, dpkg, store.affected('Debian', 'openssl', 'bookworm'), spec)
 */
export function evaluateRows(
  pkg: Package,
  scheme: VersionScheme,
  rows: readonly AffectedRow[],
  spec: RowSpec,
): MatchResult {
  const result = emptyMatchResult();
  if (rows.length === 0) return result;
  const version = scheme.parse(pkg.version);
  if (version === undefined) {
    result.notComparable.push({
      package: pkg,
      scheme: scheme.id,
      reason: `"${pkg.version}" is not a valid ${scheme.displayName} version`,
    });
    return result;
  }
  let cancelled: Set<string> | undefined;
  for (const r of rows) if (r.fixState === 'not-affected') (cancelled ??= new Set()).add(r.vulnId);
  for (const row of rows) {
    if (cancelled?.has(row.vulnId) === true) {
      result.ignores.push({ row, reason: 'not-affected' });
      continue;
    }
    const verdict = rowApplies(scheme, version, row);
    if (verdict !== true) {
      result.ignores.push({ row, reason: verdict });
      continue;
    }
    const match: RawMatch = {
      row,
      fixState: row.fixState,
      ecosystem: spec.ecosystem(row),
      package: row.package,
      distro: spec.distro,
    };
    if (row.fixedIn !== undefined) match.fixedIn = row.fixedIn;
    result.matches.push(match);
  }
  return result;
}

function rowApplies(scheme: VersionScheme, version: Version, row: AffectedRow): true | Ignore['reason'] {
  if (row.fixState === 'not-affected') return 'not-affected';
  if (inVersionList(scheme, version, row.versions)) return true;
  let invalid = false;
  let ranges = 0;
  for (const r of row.ranges) {
    if (r.type === 'GIT') continue;
    ranges++;
    const parsed = toRange(scheme, r);
    if (parsed === undefined) {
      invalid = true;
      continue;
    }
    const v = parsed.version(version);
    if (v !== undefined && parsed.scheme.satisfies(v, parsed.range)) return true;
  }
  if (ranges === 0) {
    // no comparable range: only the open states of distro feeds say "every version"
    return row.versions.length === 0 && OPEN_STATES.has(row.fixState) ? true : 'outside-range';
  }
  return invalid ? 'invalid-range' : 'outside-range';
}

function inVersionList(scheme: VersionScheme, version: Version, list: readonly string[]): boolean {
  for (const raw of list) {
    if (raw === version.raw) return true;
    const v = parseListed(scheme, raw);
    if (v !== undefined && scheme.compare(v, version) === 0) return true;
  }
  return false;
}

/**
 * Parsed versions of explicit `versions` lists, by scheme: OSV lists repeat the same releases over many
 * advisories, and each row's list used to be parsed again for every package. Versions are immutable.
 * Bounded like {@link RANGE_CACHE}.
 */
const VERSION_CACHE = new Map<string, Version | null>();
const VERSION_CACHE_MAX = 100_000;

function parseListed(scheme: VersionScheme, raw: string): Version | undefined {
  if (typeof raw !== 'string') return scheme.parse(raw);
  const key = `${scheme.id}\u0000${raw}`;
  const hit = VERSION_CACHE.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const v = scheme.parse(raw);
  if (VERSION_CACHE.size >= VERSION_CACHE_MAX) VERSION_CACHE.clear();
  VERSION_CACHE.set(key, v ?? null);
  return v;
}

interface SchemeRange {
  scheme: VersionScheme;
  range: Range;
  /** The installed version in the range's scheme (SEMVER ranges re-parse it with semver). */
  version: (v: Version) => Version | undefined;
}

/**
 * Parsed ranges by scheme, range type and events. Feeds repeat the same few ranges over many rows
 * (`introduced: 0` + `fixed: X`), and parsing one (each event version in its scheme, then sorting) was
 * the largest part of matching a package; ranges are immutable, so one parse serves every row.
 *
 * A trie, not a string key: scheme → type → per event, the field `parseOsvRange` reads (the first of
 * `introduced`, `fixed`, `last_affected`, `limit`, by presence as there) and its value.
 * Looking up a known range allocates nothing (strings cache their hashes), where building a key string
 * per range allocated ≈ 10 MB per 5,000 packages. Values that are not strings (hostile feeds) are
 * parsed without the cache. Bounded: cleared when {@link RANGE_CACHE_MAX} ranges are held.
 */
interface RangeNode {
  /** Next event: field tag → value → node. */
  next: Map<string, Map<string, RangeNode>> | undefined;
  /** The range whose events end here (null: does not parse). */
  range: SchemeRange | null | undefined;
}

const RANGE_CACHE = new Map<VersionScheme, Map<string, RangeNode>>();
const RANGE_CACHE_MAX = 50_000;
let rangeCacheSize = 0;

const EVENT_FIELDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

function toRange(scheme: VersionScheme, r: AffectedRange): SchemeRange | undefined {
  const node = rangeNode(scheme, r);
  if (node === undefined) return parseRange(scheme, r);
  if (node.range !== undefined) return node.range ?? undefined;
  const parsed = parseRange(scheme, r);
  if (rangeCacheSize >= RANGE_CACHE_MAX) {
    // the node just made stays reachable from this call only: the next lookup starts afresh
    RANGE_CACHE.clear();
    rangeCacheSize = 0;
  }
  node.range = parsed ?? null;
  rangeCacheSize++;
  return parsed;
}

/** The trie node of `r`'s events (created as needed), or undefined when a value is not a string. */
function rangeNode(scheme: VersionScheme, r: AffectedRange): RangeNode | undefined {
  if (typeof r.type !== 'string' || !Array.isArray(r.events)) return undefined;
  let byType = RANGE_CACHE.get(scheme);
  if (byType === undefined) RANGE_CACHE.set(scheme, (byType = new Map<string, RangeNode>()));
  let node = byType.get(r.type);
  if (node === undefined) byType.set(r.type, (node = { next: undefined, range: undefined }));
  for (const e of r.events as readonly Partial<Record<string, unknown>>[]) {
    let field: string | undefined;
    for (const f of EVENT_FIELDS) {
      if (f in e) {
        field = f;
        break;
      }
    }
    const value = field === undefined ? undefined : e[field];
    if (field === undefined || typeof value !== 'string') return undefined;
    node.next ??= new Map();
    let byValue = node.next.get(field);
    if (byValue === undefined) node.next.set(field, (byValue = new Map<string, RangeNode>()));
    let child = byValue.get(value);
    if (child === undefined) byValue.set(value, (child = { next: undefined, range: undefined }));
    node = child;
  }
  return node;
}

/** OSV `SEMVER` ranges use SemVer 2.0 whatever the ecosystem; `ECOSYSTEM` ranges the package's scheme. */
function parseRange(scheme: VersionScheme, r: AffectedRange): SchemeRange | undefined {
  if (r.type === 'SEMVER' && scheme.id !== 'semver') {
    const semver = schemeFor('semver');
    if (semver === undefined) return undefined;
    const range = parseOsvRange(semver, r.events);
    return range === undefined ? undefined : { scheme: semver, range, version: semverOf(semver) };
  }
  const range = parseOsvRange(scheme, r.events);
  return range === undefined ? undefined : { scheme, range, version: same };
}

function same(v: Version): Version {
  return v;
}

function semverOf(semver: VersionScheme): (v: Version) => Version | undefined {
  return (v) => semver.parse(v.raw.replace(/^v/, ''));
}
