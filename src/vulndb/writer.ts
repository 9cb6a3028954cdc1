/**
 * The vulndb writer: turns {@link FeedItem} streams into rows with batched transactions and prepared
 * statements. Records are upserted by (source, id) and skipped when their content hash is unchanged,
 * so re-importing an unchanged feed writes nothing and delta exports stay small. Aliases are merged
 * into one `vuln_id` per group (CVE preferred), see {@link VulnDbWriter.resolveVulnId}.
 *
 * A writer works on one DB *generation*: every row it touches gets `gen = db_version + 1`, deletions
 * leave a tombstone with that gen, and {@link VulnDbWriter.finish} commits the new `db_version`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { AdvisoryRecord, EpssRecord, FeedItem, FeedSourceId, KevRecord } from './model.js';

/** Items per transaction: large enough to amortise the commit, small enough to keep memory flat. */
const BATCH_SIZE = 2000;
/** Unknown items kept verbatim for the report; the rest are only counted. */
const MAX_UNKNOWN_SAMPLES = 50;
const CVE_ID = /^CVE-\d{4}-\d+$/;

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

function prepare(db: Db) {
  return {
    selAdvisory: db.prepare<[string, string], { pk: number; hash: string; vuln_id: string; origin: string }>(
      'SELECT pk, hash, vuln_id, origin FROM advisory WHERE source = ? AND id = ?',
    ),
    insAdvisory: db.prepare(
      `INSERT INTO advisory (source, id, vuln_id, origin, summary, details, published, modified, withdrawn, aliases, refs, cwes, hash, gen)
       VALUES (@source, @id, @vuln_id, @origin, @summary, @details, @published, @modified, @withdrawn, @aliases, @refs, @cwes, @hash, @gen)`,
    ),
    updAdvisory: db.prepare(
      `UPDATE advisory SET vuln_id = @vuln_id, summary = @summary, details = @details, published = @published,
       modified = @modified, withdrawn = @withdrawn, aliases = @aliases, refs = @refs, cwes = @cwes, hash = @hash, gen = @gen
       WHERE pk = @pk`,
    ),
    delAdvisory: db.prepare('DELETE FROM advisory WHERE pk = ?'),
    delSeverity: db.prepare('DELETE FROM severity WHERE advisory = ?'),
    delAffected: db.prepare('DELETE FROM affected WHERE advisory = ?'),
    insSeverity: db.prepare(
      'INSERT INTO severity (advisory, source, type, vector, score, level) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insAffected: db.prepare(
      `INSERT INTO affected (advisory, ecosystem, distro_release, package, ranges, versions, fix_state, fixed_in, severity, cpe, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    selAlias: db.prepare<[string], { vuln_id: string }>('SELECT vuln_id FROM alias WHERE alias = ?'),
    insAlias: db.prepare(
      'INSERT INTO alias (alias, vuln_id, gen) VALUES (?, ?, ?) ON CONFLICT (alias) DO NOTHING',
    ),
    repointAlias: db.prepare('UPDATE alias SET vuln_id = ?, gen = ? WHERE vuln_id = ?'),
    repointAdvisory: db.prepare('UPDATE advisory SET vuln_id = ?, gen = ? WHERE vuln_id = ?'),
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

function hashRecord(r: AdvisoryRecord): string {
  return createHash('sha1').update(JSON.stringify(r)).digest('base64');
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

export class VulnDbWriter {
  readonly db: Db;
  /** The generation this writer stamps on every row it writes. */
  readonly gen: number;
  readonly #st: Statements;

  constructor(db: Db) {
    this.db = db;
    this.#st = prepare(db);
    const version = Number(this.#st.getMeta.get('db_version')?.value ?? '0');
    this.gen = version + 1;
    if (this.#st.getMeta.get('lineage') === undefined) this.#st.setMeta.run('lineage', randomUUID());
  }

  /**
   * Streams `items` into the DB in batches of {@link BATCH_SIZE} per transaction.
   *
   * @example
   * const stats = await writer.importItems({ source: 'osv', origin: 'npm/all.zip', mode: 'full' },
   *   osvFeed.records(src, signal));
   */
  async importItems(
    scope: ImportScope,
    items: AsyncIterable<FeedItem>,
    options: ImportOptions = {},
  ): Promise<ImportStats> {
    const stats = emptyStats();
    const seen = scope.mode === 'full' ? new Set<string>() : undefined;
    const applyBatch = this.db.transaction((batch: FeedItem[]) => {
      for (const item of batch) this.#apply(scope, item, stats, seen, options);
    });
    let batch: FeedItem[] = [];
    for await (const item of items) {
      options.signal?.throwIfAborted();
      batch.push(item);
      if (batch.length >= BATCH_SIZE) {
        applyBatch(batch);
        batch = [];
        options.onProgress?.(stats.items);
      }
    }
    applyBatch(batch);
    options.onProgress?.(stats.items);
    if (seen !== undefined) this.db.transaction(() => this.#sweep(scope, seen, stats))();
    return stats;
  }

  #apply(
    scope: ImportScope,
    item: FeedItem,
    stats: ImportStats,
    seen: Set<string> | undefined,
    options: ImportOptions,
  ): void {
    stats.items++;
    switch (item.kind) {
      case 'advisory':
        seen?.add(`advisory\u0000${item.record.id}`);
        if (this.#writeAdvisory(scope, item.record)) stats.written++;
        else stats.unchanged++;
        break;
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
    const groups = new Set<string>();
    const known = new Map<string, string>();
    for (const id of ids) {
      const row = this.#st.selAlias.get(id);
      if (row === undefined) continue;
      groups.add(row.vuln_id);
      known.set(id, row.vuln_id);
    }
    let vulnId: string;
    if (groups.size === 0) vulnId = preferredId(ids) ?? (ids[0] as string);
    else if (groups.size === 1) vulnId = [...groups][0] as string;
    else vulnId = this.#mergeGroups(groups);
    // after a merge every known alias already points at vulnId; only new ids need rows
    for (const id of ids) if (!known.has(id)) this.#st.insAlias.run(id, vulnId, this.gen);
    return vulnId;
  }

  #mergeGroups(groups: Set<string>): string {
    const vulnId = preferredId(groups) ?? [...groups].sort()[0]!;
    for (const other of groups) {
      if (other === vulnId) continue;
      this.#st.repointAlias.run(vulnId, this.gen, other);
      this.#st.repointAdvisory.run(vulnId, this.gen, other);
    }
    return vulnId;
  }

  #writeAdvisory(scope: ImportScope, r: AdvisoryRecord): boolean {
    const hash = hashRecord(r);
    const existing = this.#st.selAdvisory.get(scope.source, r.id);
    if (existing?.hash === hash) return false;
    const vulnId = this.resolveVulnId([r.id, ...r.aliases]);
    const row = {
      source: scope.source,
      id: r.id,
      vuln_id: vulnId,
      origin: scope.origin,
      summary: r.summary ?? null,
      details: r.details ?? null,
      published: r.published ?? null,
      modified: r.modified ?? null,
      withdrawn: r.withdrawn ?? null,
      aliases: JSON.stringify(r.aliases),
      refs: JSON.stringify(r.references),
      cwes: JSON.stringify(r.cwes),
      hash,
      gen: this.gen,
    };
    let pk: number;
    if (existing === undefined) {
      pk = Number(this.#st.insAdvisory.run(row).lastInsertRowid);
      this.#st.untombstone.run('advisory', scope.source, r.id);
    } else {
      pk = existing.pk;
      this.#st.updAdvisory.run({ ...row, pk });
      this.#st.delSeverity.run(pk);
      this.#st.delAffected.run(pk);
    }
    this.#writeChildren(pk, r);
    return true;
  }

  #writeChildren(pk: number, r: AdvisoryRecord): void {
    for (const s of r.severities) {
      this.#st.insSeverity.run(pk, s.source, s.type ?? null, s.vector ?? null, s.score ?? null, s.level);
    }
    // A withdrawn record keeps its text (so `db` lookups by id explain it) but matches nothing.
    if (r.withdrawn !== undefined) return;
    for (const a of r.affected) {
      this.#st.insAffected.run(
        pk,
        a.ecosystem,
        a.distroRelease ?? '',
        a.package,
        JSON.stringify(a.ranges),
        JSON.stringify(a.versions),
        a.fixState,
        a.fixedIn ?? null,
        a.severity === undefined ? null : JSON.stringify(a.severity),
        a.cpe ?? null,
        a.note ?? null,
      );
    }
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
    this.#st.untombstone.run('kev', 'kev', k.cve);
  }

  #writeEpss(origin: string, e: EpssRecord): void {
    this.#st.upsertEpss.run(e.cve, e.score, e.percentile, e.date, origin, this.gen);
    this.#st.untombstone.run('epss', 'epss', e.cve);
  }

  /** Deletes one advisory row set and leaves a tombstone; false when it did not exist. */
  deleteAdvisory(source: string, id: string): boolean {
    const existing = this.#st.selAdvisory.get(source, id);
    if (existing === undefined) return false;
    this.#st.delSeverity.run(existing.pk);
    this.#st.delAffected.run(existing.pk);
    this.#st.delAdvisory.run(existing.pk);
    this.#st.tombstone.run('advisory', source, id, this.gen);
    return true;
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
        this.#st.tombstone.run(table, table, cve, this.gen);
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
    this.db.transaction(() => {
      this.#st.setMeta.run('db_version', String(this.gen));
      this.#st.setMeta.run('built_at', builtAt);
    })();
  }
}
