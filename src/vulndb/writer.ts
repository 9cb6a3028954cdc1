/**
 * The vulndb writer: turns {@link FeedItem} streams into rows with batched transactions and prepared
 * statements. Records are upserted by (source, id) and skipped when their content hash is unchanged,
 * so re-importing an unchanged feed writes nothing and delta exports stay small. Aliases are merged
 * into one `vuln_id` per group (CVE preferred), see {@link VulnDbWriter.resolveVulnId}.
 *
 * A writer works on one DB *generation*: every row it touches gets `gen = db_version + 1`, deletions
 * leave a tombstone with that gen, and {@link VulnDbWriter.finish} commits the new `db_version`.
 */
import { hash, randomUUID } from 'node:crypto';
import { encodeEntry, entryContent, ENTRY_VULN_ID_PATH } from './affected-entry.js';
import type { Db } from './db.js';
import type { AdvisoryRecord, EpssRecord, FeedItem, FeedSourceId, KevRecord } from './model.js';

/**
 * Items per transaction. With the bulk pragmas of a build (no journal, no fsync) a commit only writes
 * the dirty pages. Measured on 200,000 records: 5,000 and 10,000 cost the same; one transaction for the
 * whole import was 2× slower, because the page cache fills with dirty pages that SQLite then spills
 * one by one. Items are applied as they arrive (only the affected rows of the last
 * {@link AFFECTED_FLUSH_ITEMS} items wait), so memory does not grow with the import.
 */
const BATCH_SIZE = 10_000;
/**
 * Queued affected rows are inserted every this many items (and at each commit): sorted runs keep
 * inserts on neighbouring pages, while short-lived queues keep their strings out of V8's old
 * generation (measured: 2,500 ≈ 6–12% less CPU than flushing once per transaction).
 */
const AFFECTED_FLUSH_ITEMS = 2_500;
/** Unknown items kept verbatim for the report; the rest are only counted. */
const MAX_UNKNOWN_SAMPLES = 50;
const CVE_ID = /^CVE-\d{4}-\d+$/;
/**
 * Secondary indexes that only delta exports read and whose keys arrive in random order (alias ids).
 * When a bulk build starts on an empty DB they are dropped and rebuilt by
 * {@link VulnDbWriter.complete} in one sorted pass, which costs a fraction of maintaining them row by
 * row.
 */
const DEFERRABLE_INDEXES = ['alias_gen'];

export interface ImportScope {
  source: FeedSourceId;
  /**
   * The unit the rows belong to: a downloaded file name (`npm/all.zip`) or `import:<path>`. Rows that
   * already exist keep their origin.
   */
  origin: string;
  /**
   * `full`: the items are the complete content of `origin` (or of the whole source with `sweep:
   * 'source'`), so rows of that scope that were not seen are deleted afterwards. `upsert`: only add,
   * update and explicit `delete` items (incremental updates, `db import` without `--replace`).
   */
  mode: 'full' | 'upsert';
  sweep?: 'origin' | 'source';
}

export interface UnknownItem {
  location: string;
  code: string;
  message: string;
}

export interface ImportStats {
  items: number;
  written: number;
  unchanged: number;
  deleted: number;
  unknowns: number;
  unknownSamples: UnknownItem[];
}

export interface ImportOptions {
  signal?: AbortSignal;
  /** Called after each committed batch with the running item count (progress bars). */
  onProgress?: (items: number) => void;
  onUnknown?: (u: UnknownItem) => void;
}

type Statements = ReturnType<typeof prepare>;

/** `affected` columns in table order; the writer binds them positionally ({@link PendingAffected}). */
const AFFECTED_INSERT =
  'INSERT INTO affected (ecosystem, package, distro_release, advisory, seq, entry) VALUES (?, ?, ?, ?, ?, ?)';

function prepare(db: Db) {
  return {
    begin: db.prepare('BEGIN'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    selAdvisory: db.prepare<[string, string], { pk: number; hash: string }>(
      'SELECT pk, hash FROM advisory WHERE source = ? AND id = ?',
    ),
    insAdvisory: db.prepare(
      `INSERT INTO advisory (source, id, vuln_id, origin, summary, details, published, modified, withdrawn, aliases, refs, cwes, severities, hash, gen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updAdvisory: db.prepare(
      `UPDATE advisory SET vuln_id = ?, summary = ?, details = ?, published = ?, modified = ?, withdrawn = ?,
       aliases = ?, refs = ?, cwes = ?, severities = ?, hash = ?, gen = ? WHERE pk = ?`,
    ),
    delAdvisory: db.prepare('DELETE FROM advisory WHERE pk = ?'),
    delAffected: db.prepare('DELETE FROM affected WHERE advisory = ?'),
    insAffected: db.prepare(AFFECTED_INSERT),
    selAlias: db.prepare<[string], string>('SELECT vuln_id FROM alias WHERE alias = ?').pluck(),
    insAlias: db.prepare(
      'INSERT INTO alias (alias, vuln_id, gen) VALUES (?, ?, ?) ON CONFLICT (alias) DO NOTHING',
    ),
    repointAlias: db.prepare('UPDATE alias SET vuln_id = ?, gen = ? WHERE vuln_id = ?'),
    repointAffected: db.prepare(
      `UPDATE affected SET entry = json_set(entry, '${ENTRY_VULN_ID_PATH}', ?)
       WHERE advisory IN (SELECT pk FROM advisory WHERE vuln_id = ?)`,
    ),
    repointAdvisory: db.prepare('UPDATE advisory SET vuln_id = ?, gen = ? WHERE vuln_id = ?'),
    anyRow: (table: 'advisory' | 'alias' | 'tombstone') =>
      db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined,
    tombstone: db.prepare('INSERT OR REPLACE INTO tombstone (kind, source, id, gen) VALUES (?, ?, ?, ?)'),
    untombstone: db.prepare('DELETE FROM tombstone WHERE kind = ? AND source = ? AND id = ?'),
    upsertKev: db.prepare(
      `INSERT INTO kev (cve, vendor, product, name, date_added, due_date, known_ransomware, required_action, origin, gen)
       VALUES (@cve, @vendor, @product, @name, @date_added, @due_date, @known_ransomware, @required_action, @origin, @gen)
       ON CONFLICT (cve) DO UPDATE SET vendor = excluded.vendor, product = excluded.product, name = excluded.name,
         date_added = excluded.date_added, due_date = excluded.due_date, known_ransomware = excluded.known_ransomware,
         required_action = excluded.required_action, gen = excluded.gen
       WHERE (vendor, product, name, date_added, due_date, known_ransomware, required_action) IS NOT
             (excluded.vendor, excluded.product, excluded.name, excluded.date_added, excluded.due_date,
              excluded.known_ransomware, excluded.required_action)`,
    ),
    upsertEpss: db.prepare(
      `INSERT INTO epss (cve, score, percentile, date, origin, gen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (cve) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, date = excluded.date,
         gen = excluded.gen
       WHERE (score, percentile, date) IS NOT (excluded.score, excluded.percentile, excluded.date)`,
    ),
    delKev: db.prepare('DELETE FROM kev WHERE cve = ?'),
    delEpss: db.prepare('DELETE FROM epss WHERE cve = ?'),
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

/** The content columns of an advisory row, serialised once: hashed, then written. */
export interface AdvisoryColumns {
  text: [
    summary: string | null,
    details: string | null,
    published: string | null,
    modified: string | null,
    withdrawn: string | null,
    aliases: string,
    refs: string,
    cwes: string,
    severities: string,
  ];
  affected: AffectedColumns[];
  hash: string;
}

/** Key columns and the content part of `entry` (see `affected-entry.ts`). */
type AffectedColumns = [ecosystem: string, pkg: string, distroRelease: string, content: string];

/** An affected row waiting for the end of the batch (inserted in key order, see {@link VulnDbWriter}). */
type PendingAffected = [
  ecosystem: string,
  pkg: string,
  distroRelease: string,
  advisory: number,
  seq: number,
  entry: string,
];

const EMPTY_LIST = '[]';

function json(list: readonly unknown[]): string {
  return list.length === 0 ? EMPTY_LIST : JSON.stringify(list);
}

/**
 * An advisory serialised ahead of its write: everything the writer needs of the record. Parse workers
 * (`parallel-records.ts`) send these instead of records, so the serialisation and hashing happen on
 * their thread and only flat strings cross over.
 */
export interface PreparedAdvisory {
  id: string;
  aliases: string[];
  withdrawn: boolean;
  columns: AdvisoryColumns;
}

/** What {@link VulnDbWriter.importItems} accepts: feed items, or advisories already prepared. */
export type WriterItem = FeedItem | { kind: 'prepared'; advisory: PreparedAdvisory };

export function prepareAdvisory(r: AdvisoryRecord): PreparedAdvisory {
  return { id: r.id, aliases: r.aliases, withdrawn: r.withdrawn !== undefined, columns: serialise(r) };
}

/** `advisory` items become `prepared` ones; others pass unchanged. */
export function prepareItem(item: FeedItem): WriterItem {
  return item.kind === 'advisory' ? { kind: 'prepared', advisory: prepareAdvisory(item.record) } : item;
}

function serialise(r: AdvisoryRecord): AdvisoryColumns {
  const text: AdvisoryColumns['text'] = [
    r.summary ?? null,
    r.details ?? null,
    r.published ?? null,
    r.modified ?? null,
    r.withdrawn ?? null,
    json(r.aliases),
    json(r.references),
    json(r.cwes),
    json(r.severities),
  ];
  const affected = r.affected.map((a): AffectedColumns => [
    a.ecosystem,
    a.package,
    a.distroRelease ?? '',
    entryContent(a),
  ]);
  return { text, affected, hash: contentHash(text, affected) };
}

/**
 * sha1 (base64) of the serialised columns, each length-prefixed so that no two different rows give
 * the same input. `crypto.hash` is the one-shot form: a `createHash` object per record cost 4× more.
 */
function contentHash(text: readonly (string | null)[], affected: readonly AffectedColumns[]): string {
  let input = '';
  for (const v of text) input += v === null ? '-' : `${v.length}:${v}`;
  for (const row of affected) {
    input += '|';
    for (const v of row) input += v === null ? '-' : `${v.length}:${v}`;
  }
  return hash('sha1', input, 'base64');
}

function comparePending(a: PendingAffected, b: PendingAffected): number {
  for (let i = 0; i < 3; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a[3] - b[3] || a[4] - b[4];
}

function preferredId(ids: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const id of ids) {
    if (!CVE_ID.test(id)) continue;
    if (best === undefined || id < best) best = id;
  }
  return best;
}

function emptyStats(): ImportStats {
  return { items: 0, written: 0, unchanged: 0, deleted: 0, unknowns: 0, unknownSamples: [] };
}

export interface FeedFileMeta {
  name: string;
  url?: string;
  etag?: string;
  lastModified?: string;
  fetchedAt?: string;
  checkedAt: string;
  bytes?: number;
  records?: number;
}

/**
 * Writes feed items into one DB generation. Statements per new advisory: one hash probe, one alias
 * probe and insert per id, one advisory insert, one insert per affected entry. Affected rows are
 * queued and inserted in runs sorted by their clustered key ({@link AFFECTED_FLUSH_ITEMS}), so
 * consecutive inserts land on neighbouring pages of `affected`; anything that reads or deletes
 * affected rows of a queued advisory (updates, deletes, alias-group merges, commits) flushes the
 * queue first.
 */
export class VulnDbWriter {
  readonly db: Db;
  /** The generation this writer stamps on every row it writes. */
  readonly gen: number;
  readonly #st: Statements;
  #pending: PendingAffected[] = [];
  readonly #pendingAdvisories = new Set<number>();
  /** False while the tombstone table is known to be empty: inserts then skip the "untombstone" delete. */
  #tombstones: boolean;
  /** SQL of the indexes dropped for a bulk load of an empty DB, recreated by {@link complete}. */
  #deferred: string[] = [];
  /** Whether a failed batch can be rolled back (not with the bulk build's `journal_mode = OFF`). */
  readonly #journal: boolean;
  /** Set when a batch failed without a journal: the DB is inconsistent and only fit to be deleted. */
  #failed = false;

  constructor(db: Db) {
    this.db = db;
    this.#st = prepare(db);
    const version = Number(this.#st.getMeta.get('db_version')?.value ?? '0');
    this.gen = version + 1;
    if (this.#st.getMeta.get('lineage') === undefined) this.#st.setMeta.run('lineage', randomUUID());
    this.#tombstones = this.#st.anyRow('tombstone');
    this.#journal = db.pragma('journal_mode', { simple: true }) !== 'off';
    // Only bulk builds (buildDb, which always ends with finish or complete) defer indexes.
    if (!this.#journal && !this.#st.anyRow('advisory') && !this.#st.anyRow('alias')) this.#deferIndexes();
  }

  #deferIndexes(): void {
    const find = this.db.prepare<[string], string>(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ? AND sql IS NOT NULL",
    );
    for (const name of DEFERRABLE_INDEXES) {
      const sql = find.pluck().get(name);
      if (sql === undefined) continue;
      this.db.exec(`DROP INDEX ${name}`);
      this.#deferred.push(sql);
    }
  }

  /** Recreates the indexes deferred for a bulk load (idempotent). {@link finish} calls it. */
  complete(): void {
    if (this.#deferred.length === 0) return;
    const sql = this.#deferred.join(';\n');
    this.#deferred = [];
    this.db.exec(sql);
  }

  /**
   * Streams `items` into the DB, {@link BATCH_SIZE} items per transaction.
   *
   * @example
   * const stats = await writer.importItems({ source: 'osv', origin: 'npm/all.zip', mode: 'full' },
   *   osvFeed.records(src, signal));
   */
  async importItems(
    scope: ImportScope,
    items: AsyncIterable<WriterItem>,
    options: ImportOptions = {},
  ): Promise<ImportStats> {
    if (this.#failed) throw new Error('a previous import failed on this journal-less DB; discard it');
    const stats = emptyStats();
    const seen = scope.mode === 'full' ? new Set<string>() : undefined;
    let inBatch = 0;
    this.#st.begin.run();
    try {
      for await (const item of items) {
        options.signal?.throwIfAborted();
        this.#apply(scope, item, stats, seen, options);
        if (++inBatch % AFFECTED_FLUSH_ITEMS === 0) this.#flushAffected();
        if (inBatch < BATCH_SIZE) continue;
        this.#commit();
        options.onProgress?.(stats.items);
        inBatch = 0;
        this.#st.begin.run();
      }
      this.#commit();
    } catch (err) {
      this.#pending = [];
      this.#pendingAdvisories.clear();
      if (this.db.inTransaction) {
        if (this.#journal) this.#st.rollback.run();
        else this.#failed = true; // ROLLBACK without a journal is undefined behaviour in SQLite
      }
      throw err;
    }
    options.onProgress?.(stats.items);
    if (seen !== undefined) this.db.transaction(() => this.#sweep(scope, seen, stats))();
    return stats;
  }

  #commit(): void {
    this.#flushAffected();
    this.#st.commit.run();
  }

  #apply(
    scope: ImportScope,
    item: WriterItem,
    stats: ImportStats,
    seen: Set<string> | undefined,
    options: ImportOptions,
  ): void {
    stats.items++;
    switch (item.kind) {
      case 'advisory':
      case 'prepared': {
        const p = item.kind === 'prepared' ? item.advisory : prepareAdvisory(item.record);
        seen?.add(`advisory\u0000${p.id}`);
        if (this.#writeAdvisory(scope, p)) stats.written++;
        else stats.unchanged++;
        break;
      }
      case 'kev':
        seen?.add(`kev\u0000${item.record.cve}`);
        this.#writeKev(scope.origin, item.record);
        stats.written++;
        break;
      case 'epss':
        seen?.add(`epss\u0000${item.record.cve}`);
        this.#writeEpss(scope.origin, item.record);
        stats.written++;
        break;
      case 'delete':
        if (this.deleteAdvisory(item.source, item.id)) stats.deleted++;
        break;
      case 'unknown': {
        stats.unknowns++;
        const u = { location: item.location, code: item.code, message: item.message };
        if (stats.unknownSamples.length < MAX_UNKNOWN_SAMPLES) stats.unknownSamples.push(u);
        options.onUnknown?.(u);
        break;
      }
    }
  }

  /**
   * The `vuln_id` a record belongs to: the group any of its ids already belongs to; when its ids
   * span several groups they are merged into one (a CVE id wins, else the smallest id); a new group
   * is named by the smallest CVE among its ids, else by the record id.
   */
  resolveVulnId(ids: readonly string[]): string {
    let first: string | undefined;
    let groups: Set<string> | undefined;
    const known: (string | undefined)[] = [];
    for (const id of ids) {
      const group = this.#st.selAlias.get(id);
      known.push(group);
      if (group === undefined || group === first) continue;
      if (first === undefined) first = group;
      else (groups ??= new Set([first])).add(group);
    }
    let vulnId: string;
    if (first === undefined) vulnId = preferredId(ids) ?? (ids[0] as string);
    else if (groups === undefined) vulnId = first;
    else vulnId = this.#mergeGroups(groups);
    // after a merge every known alias already points at vulnId; only new ids need rows
    for (const [i, id] of ids.entries()) {
      if (known[i] !== undefined) continue;
      this.#st.insAlias.run(id, vulnId, this.gen);
    }
    return vulnId;
  }

  #mergeGroups(groups: Set<string>): string {
    const vulnId = preferredId(groups) ?? [...groups].sort()[0]!;
    this.#flushAffected();
    for (const other of groups) {
      if (other === vulnId) continue;
      this.#st.repointAlias.run(vulnId, this.gen, other);
      this.#st.repointAffected.run(vulnId, other);
      this.#st.repointAdvisory.run(vulnId, this.gen, other);
    }
    return vulnId;
  }

  #writeAdvisory(scope: ImportScope, r: PreparedAdvisory): boolean {
    const cols = r.columns;
    const existing = this.#st.selAdvisory.get(scope.source, r.id);
    if (existing?.hash === cols.hash) return false;
    const vulnId = this.resolveVulnId(r.aliases.length === 0 ? [r.id] : [r.id, ...r.aliases]);
    let pk: number;
    if (existing === undefined) {
      pk = Number(
        this.#st.insAdvisory.run(scope.source, r.id, vulnId, scope.origin, ...cols.text, cols.hash, this.gen)
          .lastInsertRowid,
      );
      if (this.#tombstones) this.#st.untombstone.run('advisory', scope.source, r.id);
    } else {
      pk = existing.pk;
      this.#st.updAdvisory.run(vulnId, ...cols.text, cols.hash, this.gen, pk);
      this.#deleteAffected(pk);
    }
    // A withdrawn record keeps its text (so `db` lookups by id explain it) but matches nothing.
    if (r.withdrawn || cols.affected.length === 0) return true;
    for (const [seq, a] of cols.affected.entries())
      this.#pending.push([a[0], a[1], a[2], pk, seq, encodeEntry(vulnId, scope.source, r.id, a[2], a[3])]);
    this.#pendingAdvisories.add(pk);
    return true;
  }

  #deleteAffected(pk: number): void {
    if (this.#pendingAdvisories.has(pk)) this.#flushAffected();
    this.#st.delAffected.run(pk);
  }

  /** Inserts the queued affected rows in clustered-key order. */
  #flushAffected(): void {
    if (this.#pending.length === 0) return;
    const rows = this.#pending.sort(comparePending);
    this.#pending = [];
    this.#pendingAdvisories.clear();
    for (const row of rows) this.#st.insAffected.run(row);
  }

  #writeKev(origin: string, k: KevRecord): void {
    this.#st.upsertKev.run({
      cve: k.cve,
      vendor: k.vendor ?? null,
      product: k.product ?? null,
      name: k.name ?? null,
      date_added: k.dateAdded,
      due_date: k.dueDate ?? null,
      known_ransomware: k.knownRansomware ? 1 : 0,
      required_action: k.requiredAction ?? null,
      origin,
      gen: this.gen,
    });
    if (this.#tombstones) this.#st.untombstone.run('kev', 'kev', k.cve);
  }

  #writeEpss(origin: string, e: EpssRecord): void {
    this.#st.upsertEpss.run(e.cve, e.score, e.percentile, e.date, origin, this.gen);
    if (this.#tombstones) this.#st.untombstone.run('epss', 'epss', e.cve);
  }

  /** Deletes one advisory row set and leaves a tombstone; false when it did not exist. */
  deleteAdvisory(source: string, id: string): boolean {
    const existing = this.#st.selAdvisory.get(source, id);
    if (existing === undefined) return false;
    this.#deleteAffected(existing.pk);
    this.#st.delAdvisory.run(existing.pk);
    this.#tombstone('advisory', source, id);
    return true;
  }

  #tombstone(kind: 'advisory' | 'kev' | 'epss', source: string, id: string): void {
    this.#st.tombstone.run(kind, source, id, this.gen);
    this.#tombstones = true;
  }

  #sweep(scope: ImportScope, seen: Set<string>, stats: ImportStats): void {
    const bySource = scope.sweep === 'source';
    const where = bySource ? 'source = ?' : 'source = ? AND origin = ?';
    const args = bySource ? [scope.source] : [scope.source, scope.origin];
    const stale = (this.db.prepare(`SELECT id FROM advisory WHERE ${where}`).all(...args) as { id: string }[])
      .map((r) => r.id)
      .filter((id) => !seen.has(`advisory\u0000${id}`));
    for (const id of stale) if (this.deleteAdvisory(scope.source, id)) stats.deleted++;
    const enrich = [
      ['kev', this.#st.delKev],
      ['epss', this.#st.delEpss],
    ] as const;
    for (const [table, del] of enrich) {
      if (scope.source !== table) continue;
      const w = bySource ? '1 = 1' : 'origin = ?';
      const rows = this.db
        .prepare(`SELECT cve FROM ${table} WHERE ${w}`)
        .all(...(bySource ? [] : [scope.origin])) as {
        cve: string;
      }[];
      for (const { cve } of rows) {
        if (seen.has(`${table}\u0000${cve}`)) continue;
        del.run(cve);
        this.#tombstone(table, table, cve);
        stats.deleted++;
      }
    }
  }

  /** Stores download metadata of one feed file (ETag etc. for the next conditional request). */
  recordFile(source: FeedSourceId, f: FeedFileMeta): void {
    this.db
      .prepare(
        `INSERT INTO feed_file (source, name, url, etag, last_modified, fetched_at, checked_at, bytes, records, gen)
         VALUES (@source, @name, @url, @etag, @last_modified, @fetched_at, @checked_at, @bytes, coalesce(@records, 0), @gen)
         ON CONFLICT (source, name) DO UPDATE SET url = excluded.url, etag = coalesce(@etag, etag),
           last_modified = coalesce(@last_modified, last_modified), fetched_at = coalesce(@fetched_at, fetched_at),
           checked_at = excluded.checked_at, bytes = coalesce(@bytes, bytes),
           records = coalesce(@records, records), gen = excluded.gen`,
      )
      .run({
        source,
        name: f.name,
        url: f.url ?? null,
        etag: f.etag ?? null,
        last_modified: f.lastModified ?? null,
        fetched_at: f.fetchedAt ?? null,
        checked_at: f.checkedAt,
        bytes: f.bytes ?? null,
        records: f.records ?? null,
        gen: this.gen,
      });
  }

  /**
   * Marks a source as refreshed. `completeUntil` (the `since` of its next incremental update) is only
   * given by `db update`, which knows the upstream state it reached; imports leave it unchanged.
   */
  recordSource(
    source: FeedSourceId,
    s: { importerVersion: number; completeUntil?: string; full: boolean; unknowns: number },
  ): void {
    this.db
      .prepare(
        `INSERT INTO feed_source (source, importer_version, complete_until, last_full_at, last_incremental_at, unknowns, gen)
         VALUES (@source, @v, @until, @full, @inc, @unknowns, @gen)
         ON CONFLICT (source) DO UPDATE SET importer_version = excluded.importer_version,
           complete_until = coalesce(excluded.complete_until, complete_until),
           last_full_at = coalesce(excluded.last_full_at, last_full_at),
           last_incremental_at = coalesce(excluded.last_incremental_at, last_incremental_at),
           unknowns = excluded.unknowns, gen = excluded.gen`,
      )
      .run({
        source,
        v: s.importerVersion,
        until: s.completeUntil ?? null,
        full: s.full ? (s.completeUntil ?? new Date().toISOString()) : null,
        inc: s.full ? null : (s.completeUntil ?? new Date().toISOString()),
        unknowns: s.unknowns,
        gen: this.gen,
      });
  }

  /** Commits the generation: `db_version` and `built_at`. Call once, after the last import. */
  finish(builtAt = new Date().toISOString()): void {
    this.complete();
    this.db.transaction(() => {
      this.#st.setMeta.run('db_version', String(this.gen));
      this.#st.setMeta.run('built_at', builtAt);
    })();
  }
}
