/**
 * The read side of the vulnerability database: what matchers and `corral db status` use.
 * Lookups go through the `affected_lookup` index (ecosystem, package, distro_release); vulnerability
 * details are assembled from every advisory of an alias group and enriched with KEV and EPSS.
 */
import type { Statement } from 'better-sqlite3';
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

/**
 * {@link compareRows} order, stable, in place. A lookup returns a handful of rows, and
 * `Array.prototype.sort` allocates a work array per call (≈ 7 MB per 5,000 packages).
 */
function sortRows(rows: AffectedRow[]): AffectedRow[] {
  if (rows.length > 16) return rows.sort(compareRows);
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!;
    let j = i - 1;
    while (j >= 0 && compareRows(rows[j]!, row) > 0) {
      rows[j + 1] = rows[j]!;
      j--;
    }
    rows[j + 1] = row;
  }
  return rows;
}

function opt(v: string | null): string | undefined {
  return v ?? undefined;
}

/** Options of {@link VulnStore.vulnerabilities}. */
export interface VulnerabilitiesOptions {
  /** Ids per statement (default {@link VULN_CHUNK}); tests use small chunks to cross boundaries. */
  chunk?: number;
  /** The ids are group ids (`AffectedRow.vulnId`) already: no alias resolution. */
  groupIds?: boolean;
  /** `false`: leave out the advisories' long `details` text (findings do not carry it). */
  details?: boolean;
}

export class VulnStore {
  readonly #db: Db;
  readonly #byPackage;
  readonly #byPackageRelease;
  readonly #alias;
  #vulnSt: VulnStatements | undefined;
  readonly #snapshot: boolean;
  #summary: DbSummary | undefined;
  #byPackages: Statement<[string, string], [pkg: string, entry: string]> | undefined;
  /** ecosystem → package → entry column values, in `#byPackage` order (see prefetchAffected). */
  #prefetched: Map<string, Map<string, string[]>> | undefined;

  /**
   * Wraps an open DB handle (tests, the writer's own DB); see {@link openVulnStore}. `snapshot`: the
   * handle reads a file nobody writes in place (openForRead), so derived metadata may be kept.
   */
  constructor(db: Db, opts: { snapshot?: boolean } = {}) {
    this.#db = db;
    this.#snapshot = opts.snapshot === true;
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
        ? (this.#prefetched?.get(ecosystem)?.get(pkg) ?? this.#byPackage.all(ecosystem, pkg))
        : this.#byPackageRelease.all(ecosystem, pkg, distroRelease.toLowerCase());
    const out = rows.map((entry) => toAffected(ecosystem, pkg, entry));
    // Sorted here rather than in SQL (no temp B-tree per lookup). The order depends on content only, and
    // on the entry's position within its advisory (`seq`), so a DB patched by a delta sorts like the
    // original.
    return sortRows(out);
  }

  /**
   * Reads the entries of many packages of one ecosystem in a few statements (chunks of
   * {@link VULN_CHUNK} names) and keeps them until {@link clearPrefetched}: `affected(ecosystem, name)`
   * (without release) then answers from memory. One statement per name costs ≈ 3 µs of call overhead, as
   * much as the lookup itself; a scan of thousands of language packages prefetches per ecosystem.
   */
  prefetchAffected(ecosystem: string, names: Iterable<string>): void {
    const prefetched = (this.#prefetched ??= new Map<string, Map<string, string[]>>());
    let cache = prefetched.get(ecosystem);
    if (cache === undefined) prefetched.set(ecosystem, (cache = new Map<string, string[]>()));
    const known = cache;
    const wanted = [...new Set(names)].filter((n) => !known.has(n)).sort();
    const st = (this.#byPackages ??= this.#db
      .prepare<[string, string], [pkg: string, entry: string]>(
        `SELECT package, entry FROM affected WHERE ecosystem = ? AND package ${IN_JSON} ORDER BY package, distro_release, advisory, seq`,
      )
      .raw(true));
    for (let i = 0; i < wanted.length; i += VULN_CHUNK) {
      const part = wanted.slice(i, i + VULN_CHUNK);
      const lists = new Map<string, string[]>();
      for (const n of part) {
        const list: string[] = [];
        lists.set(n, list);
        cache.set(n, list);
      }
      // rows come grouped by package: one map lookup per package, not per row
      let current: string | undefined;
      let list: string[] | undefined;
      for (const [name, entry] of st.all(ecosystem, JSON.stringify(part))) {
        if (name !== current) {
          current = name;
          list = lists.get(name);
        }
        list?.push(entry);
      }
    }
  }

  /** Drops what {@link prefetchAffected} kept (the runner calls it when a scan is done). */
  clearPrefetched(): void {
    this.#prefetched = undefined;
  }

  /** The group id for any id or alias (`GHSA-…` → `CVE-…`), or undefined. */
  resolve(idOrAlias: string): string | undefined {
    return this.#alias.get(idOrAlias)?.vuln_id;
  }

  /** Everything known about a vulnerability, by its id or any alias. */
  vulnerability(idOrAlias: string): StoredVulnerability | undefined {
    const vulnId = this.resolve(idOrAlias);
    if (vulnId === undefined) return undefined;
    const st = this.#vulnStatements();
    const advisories = st.advisories.all(vulnId);
    if (advisories.length === 0) return undefined;
    const aliases = st.aliases.all(vulnId);
    return assembleVulnerability(
      vulnId,
      advisories,
      aliases,
      (cve) => this.kev(cve),
      (cve) => this.epss(cve),
    );
  }

  /**
   * {@link vulnerability} for many ids at once (the scan runner asks for every group it matched): a
   * few statements per chunk of {@link VULN_CHUNK} ids instead of five per id. Keys of the result are
   * the given ids or aliases; ids that resolve to nothing (or to a group without advisories) are absent.
   * Each value equals what `vulnerability(id)` returns.
   *
   * @example
   * const vulns = store.vulnerabilities(['CVE-2024-1', 'GHSA-xxxx-yyyy-zzzz']);
   */
  vulnerabilities(
    idsOrAliases: Iterable<string>,
    opts: VulnerabilitiesOptions = {},
  ): Map<string, StoredVulnerability> {
    const chunk = opts.chunk ?? VULN_CHUNK;
    const st = this.#vulnStatements();
    const out = new Map<string, StoredVulnerability>();
    const ids = [...new Set(idsOrAliases)];
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      const groupOf = new Map<string, string>();
      // `groupIds`: the caller passes `AffectedRow.vulnId`s, which are group ids already
      if (opts.groupIds === true) for (const id of part) groupOf.set(id, id);
      else for (const [alias, vulnId] of st.resolveMany.all(JSON.stringify(part))) groupOf.set(alias, vulnId);
      // sorted ids probe the index in order (fewer page switches)
      const groups = [...new Set(groupOf.values())].sort();
      if (groups.length === 0) continue;
      const groupsJson = JSON.stringify(groups);
      const advisoryRows = (opts.details === false ? st.advisoriesManyBrief : st.advisoriesMany).all(
        groupsJson,
      );
      const advisories = groupRows(advisoryRows.map(advisoryRow));
      const aliases = new Map<string, string[]>();
      for (const [vulnId, alias] of st.aliasesMany.all(groupsJson)) {
        const list = aliases.get(vulnId);
        if (list === undefined) aliases.set(vulnId, [alias]);
        else list.push(alias);
      }
      const cves: string[] = [];
      for (const g of groups) {
        const cve = cveOf(g, aliases.get(g) ?? []);
        if (cve !== undefined) cves.push(cve);
      }
      const cvesJson = JSON.stringify(cves);
      const kev = new Map(st.kevMany.all(cvesJson).map((r) => [r.cve, toKev(r)]));
      const epss = new Map(st.epssMany.all(cvesJson).map((r) => [r.cve, toEpss(r)]));
      const built = new Map<string, StoredVulnerability | undefined>();
      for (const g of groups) {
        const rows = advisories.get(g);
        built.set(
          g,
          rows === undefined
            ? undefined
            : assembleVulnerability(
                g,
                rows,
                aliases.get(g) ?? [],
                (cve) => kev.get(cve),
                (cve) => epss.get(cve),
              ),
        );
      }
      for (const id of part) {
        const g = groupOf.get(id);
        const v = g === undefined ? undefined : built.get(g);
        if (v !== undefined) out.set(id, v);
      }
    }
    return out;
  }

  /** Statements of the vulnerability reads, prepared on first use (a scan needs them, lookups do not). */
  #vulnStatements(): VulnStatements {
    return (this.#vulnSt ??= prepareVulnStatements(this.#db));
  }

  kev(cve: string): KevRecord | undefined {
    const r = this.#vulnStatements().kev.get(cve);
    return r === undefined ? undefined : toKev(r);
  }

  epss(cve: string): EpssRecord | undefined {
    const r = this.#vulnStatements().epss.get(cve);
    return r === undefined ? undefined : toEpss(r);
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

  /**
   * {@link metadata} without the table-wide counts (a scan report names the DB and its sources; the
   * counts scan every index and cost more than matching a small image).
   */
  summary(): DbSummary {
    if (!this.#snapshot) return readSummary(this.#db);
    // a read-only handle reads one immutable file (db.ts openForRead): its summary never changes, and
    // the per-source record counts in it cost a few ms on a 200,000-record DB
    return (this.#summary ??= readSummary(this.#db));
  }

  /**
   * The file of a snapshot handle ({@link openVulnStore}), which other threads may open to read the same
   * data (the file is never written in place); undefined for other handles.
   */
  get snapshotFile(): string | undefined {
    return this.#snapshot ? this.#db.name : undefined;
  }

  close(): void {
    this.#db.close();
  }
}

/** Ids per statement of {@link VulnStore.vulnerabilities} (bound as one JSON array, read by `json_each`). */
const VULN_CHUNK = 500;

/** An `advisory` row as the vulnerability reads select it. */
interface AdvisoryRow {
  pk: number;
  vuln_id: string;
  source: FeedSourceId;
  id: string;
  summary: string | null;
  details: string | null;
  published: string | null;
  modified: string | null;
  withdrawn: string | null;
  refs: string;
  cwes: string;
  severities: string;
}

/** {@link AdvisoryRow} as a raw row, columns in {@link ADVISORY_COLUMNS} order. */
type AdvisoryTuple = [
  pk: number,
  vuln_id: string,
  source: FeedSourceId,
  id: string,
  summary: string | null,
  details: string | null,
  published: string | null,
  modified: string | null,
  withdrawn: string | null,
  refs: string,
  cwes: string,
  severities: string,
];

function advisoryRow(t: AdvisoryTuple): AdvisoryRow {
  return {
    pk: t[0],
    vuln_id: t[1],
    source: t[2],
    id: t[3],
    summary: t[4],
    details: t[5],
    published: t[6],
    modified: t[7],
    withdrawn: t[8],
    refs: t[9],
    cwes: t[10],
    severities: t[11],
  };
}

interface KevRow {
  cve: string;
  vendor: string | null;
  product: string | null;
  name: string | null;
  date_added: string;
  due_date: string | null;
  known_ransomware: number;
  required_action: string | null;
}

interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
  date: string;
}

const ADVISORY_COLUMNS =
  'pk, vuln_id, source, id, summary, details, published, modified, withdrawn, refs, cwes, severities';
const KEV_COLUMNS = 'cve, vendor, product, name, date_added, due_date, known_ransomware, required_action';
/** One JSON array parameter as a set: `x IN (SELECT value FROM json_each(?))` probes the index per value. */
const IN_JSON = 'IN (SELECT value FROM json_each(?))';

type VulnStatements = ReturnType<typeof prepareVulnStatements>;

function prepareVulnStatements(db: Db) {
  return {
    advisories: db.prepare<[string], AdvisoryRow>(
      `SELECT ${ADVISORY_COLUMNS} FROM advisory WHERE vuln_id = ?`,
    ),
    aliases: db.prepare<[string], string>('SELECT alias FROM alias WHERE vuln_id = ? ORDER BY alias').pluck(),
    kev: db.prepare<[string], KevRow>(`SELECT ${KEV_COLUMNS} FROM kev WHERE cve = ?`),
    epss: db.prepare<[string], EpssRow>('SELECT cve, score, percentile, date FROM epss WHERE cve = ?'),
    resolveMany: db
      .prepare<[string], [alias: string, vuln_id: string]>(
        `SELECT alias, vuln_id FROM alias WHERE alias ${IN_JSON}`,
      )
      .raw(true),
    // Raw (array) rows: better-sqlite3 builds row objects property by property, which costs about as
    // much as the query itself on a scan's few thousand advisories; arrays are converted in JS instead.
    advisoriesMany: db
      .prepare<[string], AdvisoryTuple>(`SELECT ${ADVISORY_COLUMNS} FROM advisory WHERE vuln_id ${IN_JSON}`)
      .raw(true),
    // the same without the long `details` text, which findings do not carry
    advisoriesManyBrief: db
      .prepare<[string], AdvisoryTuple>(
        `SELECT ${ADVISORY_COLUMNS.replace('details', 'NULL AS details')} FROM advisory WHERE vuln_id ${IN_JSON}`,
      )
      .raw(true),
    aliasesMany: db
      .prepare<[string], [vuln_id: string, alias: string]>(
        `SELECT vuln_id, alias FROM alias WHERE vuln_id ${IN_JSON} ORDER BY vuln_id, alias`,
      )
      .raw(true),
    kevMany: db.prepare<[string], KevRow>(`SELECT ${KEV_COLUMNS} FROM kev WHERE cve ${IN_JSON}`),
    epssMany: db.prepare<[string], EpssRow>(
      `SELECT cve, score, percentile, date FROM epss WHERE cve ${IN_JSON}`,
    ),
  };
}

function toKev(r: KevRow): KevRecord {
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

function toEpss(r: EpssRow): EpssRecord {
  return { cve: r.cve, score: r.score, percentile: r.percentile, date: r.date };
}

/** Rows keyed by their `vuln_id`, in the order they came. */
function groupRows<R extends { vuln_id: string }>(rows: R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.vuln_id);
    if (list === undefined) out.set(r.vuln_id, [r]);
    else list.push(r);
  }
  return out;
}

/** The CVE of a group whose KEV/EPSS entries apply: the group id or the first CVE alias. */
function cveOf(
  vulnId: string,
  aliases: readonly { alias: string }[] | readonly string[],
): string | undefined {
  if (vulnId.startsWith('CVE-')) return vulnId;
  for (const a of aliases) {
    const id = typeof a === 'string' ? a : a.alias;
    if (id !== vulnId && id.startsWith('CVE-')) return id;
  }
  return undefined;
}

function rankSource(s: string): number {
  const i = TEXT_PREFERENCE.indexOf(s);
  return i < 0 ? TEXT_PREFERENCE.length : i;
}

/**
 * A {@link StoredVulnerability} from a group's advisory rows (any order, at least one) and its alias
 * rows (sorted by alias).
 */
function assembleVulnerability(
  vulnId: string,
  rows: readonly AdvisoryRow[],
  aliasRows: readonly { alias: string }[] | readonly string[],
  kev: (cve: string) => KevRecord | undefined,
  epss: (cve: string) => EpssRecord | undefined,
): StoredVulnerability {
  const aliases: string[] = [];
  for (const a of aliasRows) {
    const id = typeof a === 'string' ? a : a.alias;
    if (id !== vulnId) aliases.push(id);
  }
  const cve = cveOf(vulnId, aliases);
  // most groups have one advisory: no sorting or merging then (a scan assembles thousands of groups)
  const sorted =
    rows.length === 1
      ? rows
      : [...rows].sort((a, b) => rankSource(a.source) - rankSource(b.source) || cmp(a.id, b.id));
  const advisories = sorted.map((r): StoredAdvisory => ({
    source: r.source,
    id: r.id,
    summary: opt(r.summary),
    details: opt(r.details),
    published: opt(r.published),
    modified: opt(r.modified),
    withdrawn: opt(r.withdrawn),
    references: parseList<{ type?: string; url: string }>(r.refs),
    cwes: parseList<string>(r.cwes),
  }));
  const primary = advisories[0]!;
  let summary: string | undefined;
  let published: string | undefined;
  let allWithdrawn = true;
  for (const a of advisories) {
    summary ??= a.summary;
    published ??= a.published;
    if (a.withdrawn === undefined) allWithdrawn = false;
  }
  return {
    id: vulnId,
    aliases,
    summary,
    published,
    withdrawn: allWithdrawn ? primary.withdrawn : undefined,
    severities: severitiesOf(rows),
    references: uniqueUrls(
      advisories.length === 1 ? primary.references : advisories.flatMap((a) => a.references),
    ),
    cwes:
      advisories.length === 1 && primary.cwes.length <= 1
        ? [...primary.cwes]
        : uniqueSorted(advisories.flatMap((a) => a.cwes)),
    kev: cve === undefined ? undefined : kev(cve),
    epss: cve === undefined ? undefined : epss(cve),
    advisories,
  };
}

function compareRatings(a: SeverityRating, b: SeverityRating): number {
  return cmp(a.source, b.source) || cmpNullable(a.type, b.type) || cmpNullable(a.vector, b.vector);
}

/** Record-level ratings of every advisory of the group (taken in row order), ordered by source, type, vector. */
function severitiesOf(rows: readonly AdvisoryRow[]): SeverityRating[] {
  const ordered = rows.length === 1 ? rows : [...rows].sort((a, b) => a.pk - b.pk);
  const out: SeverityRating[] = [];
  for (const row of ordered) {
    for (const r of parseList<SeverityRating>(row.severities)) {
      // a fresh object with the optional fields present only when set (stored JSON may carry nulls)
      const rating: SeverityRating = { source: r.source, level: r.level };
      if (r.type !== undefined) rating.type = r.type;
      if (r.vector !== undefined) rating.vector = r.vector;
      if (r.score !== undefined) rating.score = r.score;
      out.push(rating);
    }
  }
  return out.length > 1 ? out.sort(compareRatings) : out;
}

/** References without repeated URLs, first occurrence kept. */
function uniqueUrls<T extends { url: string }>(items: readonly T[]): T[] {
  if (items.length <= 1) return [...items];
  const seen = new Set<string>();
  const out: T[] = [];
  for (const t of items) {
    if (seen.has(t.url)) continue;
    seen.add(t.url);
    out.push(t);
  }
  return out;
}

function uniqueSorted(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

function count(db: Db, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

export type DbSummary = Omit<DbMetadata, 'counts'>;

function readSummary(db: Db): DbSummary {
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
    sources: readSources(db),
  };
}

/** Metadata of any open vulndb handle (reader or writer). */
export function readMetadata(db: Db): DbMetadata {
  const { sources, ...rest } = readSummary(db);
  return {
    ...rest,
    counts: {
      vulnerabilities: count(db, 'SELECT count(DISTINCT vuln_id) AS n FROM advisory'),
      advisories: count(db, 'SELECT count(*) AS n FROM advisory'),
      affected: count(db, 'SELECT count(*) AS n FROM affected'),
      aliases: count(db, 'SELECT count(*) AS n FROM alias'),
      kev: count(db, 'SELECT count(*) AS n FROM kev'),
      epss: count(db, 'SELECT count(*) AS n FROM epss'),
    },
    sources,
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
  return new VulnStore(openForRead(path), { snapshot: true });
}
