/**
 * The read side of the vulnerability database: what matchers and `corral db status` use.
 * Lookups go through the `affected_lookup` index (ecosystem, package, distro_release); vulnerability
 * details are assembled from every advisory of an alias group and enriched with KEV and EPSS.
 */
import { decodeEntry } from './affected-entry.js';
import { openForRead, type Db } from './db.js';
import type {
  AffectedRange,
  EpssRecord,
  FeedSourceId,
  FixState,
  KevRecord,
  SeverityRating,
} from './model.js';
import { CURRENT_SCHEMA } from './migrations/index.js';
import { formatSchemaVer } from './schema.js';

/** One affected entry as stored, with the vulnerability group and advisory it belongs to. */
export interface AffectedRow {
  vulnId: string;
  advisoryId: string;
  source: FeedSourceId;
  ecosystem: string;
  distroRelease: string | undefined;
  package: string;
  ranges: AffectedRange[];
  versions: string[];
  fixState: FixState;
  fixedIn: string | undefined;
  severity: SeverityRating | undefined;
  cpe: string | undefined;
  note: string | undefined;
}

export interface StoredAdvisory {
  source: FeedSourceId;
  id: string;
  summary: string | undefined;
  details: string | undefined;
  published: string | undefined;
  modified: string | undefined;
  withdrawn: string | undefined;
  references: { type?: string; url: string }[];
  cwes: string[];
}

/** `Vulnerability` of ARCHITECTURE.md's data model, merged over all sources of an alias group. */
export interface StoredVulnerability {
  id: string;
  aliases: string[];
  summary: string | undefined;
  published: string | undefined;
  withdrawn: string | undefined;
  severities: SeverityRating[];
  references: { type?: string; url: string }[];
  cwes: string[];
  kev: KevRecord | undefined;
  epss: EpssRecord | undefined;
  advisories: StoredAdvisory[];
}

export interface SourceStatus {
  source: FeedSourceId;
  importerVersion: number;
  completeUntil: string | undefined;
  lastFullAt: string | undefined;
  lastIncrementalAt: string | undefined;
  records: number;
  unknowns: number;
  files: {
    name: string;
    url?: string;
    etag?: string;
    lastModified?: string;
    fetchedAt?: string;
    checkedAt?: string;
    records: number;
  }[];
}

export interface DbMetadata {
  schemaVersion: string;
  /** Generation counter; `export --since VERSION` refers to it. */
  dbVersion: number;
  /** Random id of the build lineage; deltas only apply within one lineage. */
  lineage: string;
  builtAt: string | undefined;
  counts: {
    vulnerabilities: number;
    advisories: number;
    affected: number;
    aliases: number;
    kev: number;
    epss: number;
  };
  sources: SourceStatus[];
}

/** Preference when several sources describe the same vulnerability (richest text first). */
const TEXT_PREFERENCE: readonly string[] = ['osv', 'nvd', 'debian', 'alpine'];

/**
 * One range scan of the clustered `affected` key, no join, one column per row (`affected-entry.ts`
 * says why). The ORDER BY is the key order, so SQLite does not sort; rows of one advisory come in
 * their `seq` order, which the stable sort in {@link VulnStore.affected} keeps.
 */
const AFFECTED_SELECT = 'SELECT entry FROM affected WHERE ecosystem = ? AND package = ?';

const EMPTY_JSON_LIST = '[]';

function parseList<T>(text: string): T[] {
  return text === EMPTY_JSON_LIST ? [] : (JSON.parse(text) as T[]);
}

function toAffected(ecosystem: string, pkg: string, entry: string): AffectedRow {
  const e = decodeEntry(entry);
  return {
    vulnId: e[0],
    advisoryId: e[2],
    source: e[1],
    ecosystem,
    distroRelease: e[3] === '' ? undefined : e[3],
    package: pkg,
    ranges: e[4],
    versions: e[5],
    fixState: e[6],
    fixedIn: e[7] ?? undefined,
    severity: e[8] ?? undefined,
    cpe: e[9] ?? undefined,
    note: e[10] ?? undefined,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SQLite's order for nullable text (`ORDER BY` puts NULL first). */
function cmpNullable(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return cmp(a, b);
}

/** Group, source, advisory id, release; ties (one advisory's entries) keep their `seq` order. */
function compareRows(a: AffectedRow, b: AffectedRow): number {
  return (
    cmp(a.vulnId, b.vulnId) ||
    cmp(a.source, b.source) ||
    cmp(a.advisoryId, b.advisoryId) ||
    cmp(a.distroRelease ?? '', b.distroRelease ?? '')
  );
}

function opt(v: string | null): string | undefined {
  return v ?? undefined;
}

export class VulnStore {
  readonly #db: Db;
  readonly #byPackage;
  readonly #byPackageRelease;
  readonly #alias;

  /** Wraps an open DB handle (tests, the writer's own DB); see {@link openVulnStore}. */
  constructor(db: Db) {
    this.#db = db;
    this.#byPackage = db
      .prepare<[string, string], string>(`${AFFECTED_SELECT} ORDER BY distro_release, advisory, seq`)
      .pluck();
    this.#byPackageRelease = db
      .prepare<[string, string, string], string>(
        `${AFFECTED_SELECT} AND distro_release = ? ORDER BY advisory, seq`,
      )
      .pluck();
    this.#alias = db.prepare<[string], { vuln_id: string }>('SELECT vuln_id FROM alias WHERE alias = ?');
  }

  /**
   * Affected entries of a package. `ecosystem` is the OSV ecosystem name without release (`Debian`,
   * `npm`); `pkg` is spelled as the ecosystem spells it (no normalisation here). With `distroRelease`
   * only that release's rows are returned, otherwise rows of every release.
   *
   * @example
   * store.affected('Debian', 'openssl', '12') // → rows from the Debian tracker and OSV Debian:12
   */
  affected(ecosystem: string, pkg: string, distroRelease?: string): AffectedRow[] {
    const rows =
      distroRelease === undefined
        ? this.#byPackage.all(ecosystem, pkg)
        : this.#byPackageRelease.all(ecosystem, pkg, distroRelease.toLowerCase());
    const out = rows.map((entry) => toAffected(ecosystem, pkg, entry));
    // Sorted here rather than in SQL (no temp B-tree per lookup). The order depends on content only, and
    // on the entry's position within its advisory (`seq`), so a DB patched by a delta sorts like the
    // original.
    return out.length > 1 ? out.sort(compareRows) : out;
  }

  /** The group id for any id or alias (`GHSA-…` → `CVE-…`), or undefined. */
  resolve(idOrAlias: string): string | undefined {
    return this.#alias.get(idOrAlias)?.vuln_id;
  }

  /** Everything known about a vulnerability, by its id or any alias. */
  vulnerability(idOrAlias: string): StoredVulnerability | undefined {
    const vulnId = this.resolve(idOrAlias);
    if (vulnId === undefined) return undefined;
    const advisories = this.#advisories(vulnId);
    if (advisories.length === 0) return undefined;
    const aliases = (
      this.#db.prepare('SELECT alias FROM alias WHERE vuln_id = ? ORDER BY alias').all(vulnId) as {
        alias: string;
      }[]
    )
      .map((r) => r.alias)
      .filter((a) => a !== vulnId);
    const cve = [vulnId, ...aliases].find((a) => a.startsWith('CVE-'));
    const primary = advisories[0]!;
    return {
      id: vulnId,
      aliases,
      summary: advisories.find((a) => a.summary !== undefined)?.summary,
      published: advisories.find((a) => a.published !== undefined)?.published,
      withdrawn: advisories.every((a) => a.withdrawn !== undefined) ? primary.withdrawn : undefined,
      severities: this.#severities(vulnId),
      references: uniqueBy(
        advisories.flatMap((a) => a.references),
        (r) => r.url,
      ),
      cwes: [...new Set(advisories.flatMap((a) => a.cwes))].sort(),
      kev: cve === undefined ? undefined : this.kev(cve),
      epss: cve === undefined ? undefined : this.epss(cve),
      advisories,
    };
  }

  #advisories(vulnId: string): StoredAdvisory[] {
    const rows = this.#db
      .prepare(
        'SELECT source, id, summary, details, published, modified, withdrawn, refs, cwes FROM advisory WHERE vuln_id = ?',
      )
      .all(vulnId) as {
      source: FeedSourceId;
      id: string;
      summary: string | null;
      details: string | null;
      published: string | null;
      modified: string | null;
      withdrawn: string | null;
      refs: string;
      cwes: string;
    }[];
    const rank = (s: string): number => {
      const i = TEXT_PREFERENCE.indexOf(s);
      return i < 0 ? TEXT_PREFERENCE.length : i;
    };
    rows.sort((a, b) => rank(a.source) - rank(b.source) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return rows.map((r) => ({
      source: r.source,
      id: r.id,
      summary: opt(r.summary),
      details: opt(r.details),
      published: opt(r.published),
      modified: opt(r.modified),
      withdrawn: opt(r.withdrawn),
      references: JSON.parse(r.refs) as { type?: string; url: string }[],
      cwes: JSON.parse(r.cwes) as string[],
    }));
  }

  /** Record-level ratings of every advisory of the group, ordered by source, type, vector. */
  #severities(vulnId: string): SeverityRating[] {
    const lists = this.#db
      .prepare<[string], string>('SELECT severities FROM advisory WHERE vuln_id = ?')
      .pluck()
      .all(vulnId);
    return lists
      .flatMap((text) => parseList<SeverityRating>(text))
      .sort(
        (a, b) => cmp(a.source, b.source) || cmpNullable(a.type, b.type) || cmpNullable(a.vector, b.vector),
      )
      .map((r) => ({
        source: r.source,
        level: r.level,
        ...(r.type === undefined ? {} : { type: r.type }),
        ...(r.vector === undefined ? {} : { vector: r.vector }),
        ...(r.score === undefined ? {} : { score: r.score }),
      }));
  }

  kev(cve: string): KevRecord | undefined {
    const r = this.#db.prepare('SELECT * FROM kev WHERE cve = ?').get(cve) as
      | {
          cve: string;
          vendor: string | null;
          product: string | null;
          name: string | null;
          date_added: string;
          due_date: string | null;
          known_ransomware: number;
          required_action: string | null;
        }
      | undefined;
    if (r === undefined) return undefined;
    return {
      cve: r.cve,
      vendor: opt(r.vendor),
      product: opt(r.product),
      name: opt(r.name),
      dateAdded: r.date_added,
      dueDate: opt(r.due_date),
      knownRansomware: r.known_ransomware === 1,
      requiredAction: opt(r.required_action),
    };
  }

  epss(cve: string): EpssRecord | undefined {
    const r = this.#db.prepare('SELECT cve, score, percentile, date FROM epss WHERE cve = ?').get(cve) as
      EpssRecord | undefined;
    return r === undefined
      ? undefined
      : { cve: r.cve, score: r.score, percentile: r.percentile, date: r.date };
  }

  /** Every distinct (ecosystem, package, release) in the DB, sorted (delta checks, benchmarks). */
  *packages(): IterableIterator<{ ecosystem: string; package: string; distroRelease: string | undefined }> {
    const it = this.#db
      .prepare(
        'SELECT DISTINCT ecosystem, package, distro_release FROM affected ORDER BY ecosystem, package, distro_release',
      )
      .iterate() as IterableIterator<{ ecosystem: string; package: string; distro_release: string }>;
    for (const r of it)
      yield { ecosystem: r.ecosystem, package: r.package, distroRelease: r.distro_release || undefined };
  }

  metadata(): DbMetadata {
    return readMetadata(this.#db);
  }

  close(): void {
    this.#db.close();
  }
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

function count(db: Db, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

/** Metadata of any open vulndb handle (reader or writer). */
export function readMetadata(db: Db): DbMetadata {
  const meta = new Map(
    (db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [
      r.key,
      r.value,
    ]),
  );
  return {
    schemaVersion: meta.get('schema_version') ?? formatSchemaVer(CURRENT_SCHEMA),
    dbVersion: Number(meta.get('db_version') ?? '0'),
    lineage: meta.get('lineage') ?? '',
    builtAt: meta.get('built_at'),
    counts: {
      vulnerabilities: count(db, 'SELECT count(DISTINCT vuln_id) AS n FROM advisory'),
      advisories: count(db, 'SELECT count(*) AS n FROM advisory'),
      affected: count(db, 'SELECT count(*) AS n FROM affected'),
      aliases: count(db, 'SELECT count(*) AS n FROM alias'),
      kev: count(db, 'SELECT count(*) AS n FROM kev'),
      epss: count(db, 'SELECT count(*) AS n FROM epss'),
    },
    sources: readSources(db),
  };
}

function readSources(db: Db): SourceStatus[] {
  const sources = db.prepare('SELECT * FROM feed_source ORDER BY source').all() as {
    source: FeedSourceId;
    importer_version: number;
    complete_until: string | null;
    last_full_at: string | null;
    last_incremental_at: string | null;
    unknowns: number;
  }[];
  const files = db.prepare('SELECT * FROM feed_file WHERE source = ? ORDER BY name');
  const records = db.prepare('SELECT count(*) AS n FROM advisory WHERE source = ?');
  return sources.map((s) => {
    const n =
      s.source === 'kev'
        ? count(db, 'SELECT count(*) AS n FROM kev')
        : s.source === 'epss'
          ? count(db, 'SELECT count(*) AS n FROM epss')
          : (records.get(s.source) as { n: number }).n;
    return {
      source: s.source,
      importerVersion: s.importer_version,
      completeUntil: opt(s.complete_until),
      lastFullAt: opt(s.last_full_at),
      lastIncrementalAt: opt(s.last_incremental_at),
      records: n,
      unknowns: s.unknowns,
      files: (
        files.all(s.source) as {
          name: string;
          url: string | null;
          etag: string | null;
          last_modified: string | null;
          fetched_at: string | null;
          checked_at: string | null;
          records: number;
        }[]
      ).map((f) => ({
        name: f.name,
        ...(f.url === null ? {} : { url: f.url }),
        ...(f.etag === null ? {} : { etag: f.etag }),
        ...(f.last_modified === null ? {} : { lastModified: f.last_modified }),
        ...(f.fetched_at === null ? {} : { fetchedAt: f.fetched_at }),
        ...(f.checked_at === null ? {} : { checkedAt: f.checked_at }),
        records: f.records,
      })),
    };
  });
}

/** Opens the DB at `path` read-only; throws `VULNDB_NOT_FOUND` / `VULNDB_SCHEMA_TOO_NEW` / `VULNDB_CORRUPT`. */
export function openVulnStore(path: string): VulnStore {
  return new VulnStore(openForRead(path));
}
