/**
 * Delta rows between two versions of one DB lineage, as NDJSON: every row whose `gen` is above the base
 * version plus the tombstones of deletions since then. Applying copies the rows verbatim (including
 * `vuln_id`, `gen`, `origin`), so the result equals the newer DB row for row — alias merging is not
 * re-run, which would depend on import order.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AppError } from '../errors.js';
import type { Db } from './db.js';
import type { ArtifactMetadata } from './export.js';

type Row = Record<string, unknown>;

/** Advisory columns copied verbatim (all but the local `pk`). */
const ADVISORY_COLUMNS = [
  'source',
  'id',
  'vuln_id',
  'origin',
  'summary',
  'details',
  'published',
  'modified',
  'withdrawn',
  'aliases',
  'refs',
  'cwes',
  'severities',
  'hash',
  'gen',
];
/** Affected columns copied verbatim (all but the local `advisory` pk). */
const AFFECTED_COLUMNS = ['ecosystem', 'package', 'distro_release', 'seq', 'entry'];
/** Tables copied as whole rows by primary key. */
const PLAIN_TABLES = ['alias', 'kev', 'epss', 'feed_source', 'feed_file'] as const;
const LINES_PER_TRANSACTION = 5000;

export async function writeDeltaRows(db: Db, since: number, path: string): Promise<number> {
  const out = createWriteStream(path);
  let lines = 0;
  const write = async (obj: Row): Promise<void> => {
    lines++;
    if (!out.write(`${JSON.stringify(obj)}\n`)) await once(out, 'drain');
  };
  for (const r of db
    .prepare('SELECT kind, source, id, gen FROM tombstone WHERE gen > ? ORDER BY gen, kind, source, id')
    .iterate(since)) {
    await write({ t: 'tombstone', ...(r as object) });
  }
  for (const table of PLAIN_TABLES) {
    for (const r of db.prepare(`SELECT * FROM ${table} WHERE gen > ?`).iterate(since))
      await write({ t: table, row: r });
  }
  const affected = db.prepare(
    `SELECT ${AFFECTED_COLUMNS.join(', ')} FROM affected WHERE advisory = ? ORDER BY seq`,
  );
  for (const raw of db
    .prepare(`SELECT pk, ${ADVISORY_COLUMNS.join(', ')} FROM advisory WHERE gen > ? ORDER BY pk`)
    .iterate(since)) {
    const { pk, ...row } = raw as Row & { pk: number };
    await write({ t: 'advisory', row, affected: affected.all(pk) });
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

function prepareApply(db: Db) {
  const insert = (table: string, cols: string[], extra = ''): ReturnType<Db['prepare']> =>
    db.prepare(
      `INSERT ${extra} INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
    );
  return {
    selAdvisory: db.prepare<[string, string], { pk: number }>(
      'SELECT pk FROM advisory WHERE source = ? AND id = ?',
    ),
    delAdvisory: db.prepare('DELETE FROM advisory WHERE pk = ?'),
    delAffected: db.prepare('DELETE FROM affected WHERE advisory = ?'),
    insAdvisory: insert('advisory', ADVISORY_COLUMNS),
    insAffected: insert('affected', ['advisory', ...AFFECTED_COLUMNS]),
    tombstone: db.prepare(
      'INSERT OR REPLACE INTO tombstone (kind, source, id, gen) VALUES (@kind, @source, @id, @gen)',
    ),
    delKev: db.prepare('DELETE FROM kev WHERE cve = ?'),
    delEpss: db.prepare('DELETE FROM epss WHERE cve = ?'),
    plain: new Map<string, ReturnType<Db['prepare']>>(),
    setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

type Apply = ReturnType<typeof prepareApply>;

function removeAdvisory(st: Apply, source: string, id: string): number | undefined {
  const pk = st.selAdvisory.get(source, id)?.pk;
  if (pk === undefined) return undefined;
  st.delAffected.run(pk);
  st.delAdvisory.run(pk);
  return pk;
}

function applyLine(db: Db, st: Apply, line: Row): void {
  switch (line.t) {
    case 'tombstone': {
      const { kind, source, id } = line as { kind: string; source: string; id: string };
      if (kind === 'advisory') removeAdvisory(st, source, id);
      else if (kind === 'kev') st.delKev.run(id);
      else if (kind === 'epss') st.delEpss.run(id);
      st.tombstone.run({ kind, source, id, gen: line.gen });
      return;
    }
    case 'advisory': {
      const row = line.row as Row & { source: string; id: string };
      removeAdvisory(st, row.source, row.id);
      const pk = Number(st.insAdvisory.run(row).lastInsertRowid);
      for (const f of line.affected as Row[]) st.insAffected.run({ advisory: pk, ...f });
      db.prepare("DELETE FROM tombstone WHERE kind = 'advisory' AND source = ? AND id = ?").run(
        row.source,
        row.id,
      );
      return;
    }
    default: {
      const table = PLAIN_TABLES.find((t) => t === line.t);
      if (table === undefined)
        throw new AppError('VULNDB_ARTIFACT_INVALID', `unknown delta row type ${JSON.stringify(line.t)}`);
      const row = line.row as Row;
      let stmt = st.plain.get(table);
      if (stmt === undefined) {
        const cols = Object.keys(row);
        stmt = db.prepare(
          `INSERT OR REPLACE INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
        );
        st.plain.set(table, stmt);
      }
      stmt.run(row);
    }
  }
}

/** Applies a delta file (see {@link writeDeltaRows}) and sets the DB's version to the delta's. */
export async function applyDelta(db: Db, path: string, meta: ArtifactMetadata): Promise<void> {
  const st = prepareApply(db);
  const batch = db.transaction((lines: Row[]) => {
    for (const l of lines) applyLine(db, st, l);
  });
  let pending: Row[] = [];
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of rl) {
    if (text === '') continue;
    pending.push(JSON.parse(text) as Row);
    if (pending.length >= LINES_PER_TRANSACTION) {
      batch(pending);
      pending = [];
    }
  }
  batch(pending);
  db.transaction(() => {
    st.setMeta.run('db_version', String(meta.dbVersion));
    if (meta.builtAt !== undefined) st.setMeta.run('built_at', meta.builtAt);
  })();
}
