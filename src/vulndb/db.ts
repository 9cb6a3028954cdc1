/**
 * Opening the vulnerability database file: location, pragmas, schema-version gate and migrations.
 * Location: `--db PATH` > `$CORRAL_HOME/db/vuln.db` > `~/.cache/corral/db/vuln.db`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError, describeError } from '../errors.js';
import { CURRENT_SCHEMA, migrate } from './migrations/index.js';
import { checkSchemaVer, parseSchemaVer } from './schema.js';

export type Db = Database.Database;

const MiB = 1024 * 1024;
const READ_MMAP_BYTES = 1024 * MiB;
const READ_CACHE_KIB = 64 * 1024;
/**
 * Page cache of a bulk build: the B-trees that receive random inserts (the clustered `affected`
 * table, the alias and vuln-id indexes) stay in memory for a few hundred thousand records, so pages
 * are written once per batch instead of being read back after an eviction.
 */
const BULK_CACHE_KIB = 256 * 1024;
/**
 * Page size of new DBs. Rows of the clustered `affected` table are a few hundred bytes and arrive in
 * random key order; 16 KiB pages hold ~50 of them, so inserts split pages 4× less often than with the
 * 4 KiB default (measured: 400,000 inserts ≈ 40% cheaper), trees are a level shallower for lookups, and
 * advisory rows with long details rarely spill to overflow pages.
 */
const PAGE_SIZE = 16 * 1024;

/** The DB path the CLI uses when `--db` is not given. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CORRAL_HOME;
  if (home !== undefined && home !== '') return join(home, 'db', 'vuln.db');
  return join(homedir(), '.cache', 'corral', 'db', 'vuln.db');
}

function readSchema(db: Db, where: string): string | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (hasMeta === undefined) return undefined;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    { value: string } | undefined;
  if (row === undefined) return undefined;
  if (parseSchemaVer(row.value) === undefined) {
    throw new AppError(
      'VULNDB_CORRUPT',
      `vulnerability DB ${where} has an unreadable schema version "${row.value}"`,
      {
        hint: 'delete the file and run "corral db update"',
      },
    );
  }
  return row.value;
}

function gate(db: Db, where: string, access: 'read' | 'write'): void {
  const raw = readSchema(db, where);
  if (raw === undefined) {
    if (access === 'read') {
      throw new AppError('VULNDB_CORRUPT', `${where} is not a corral vulnerability DB (no schema version)`, {
        hint: 'run "corral db update" or "corral db pull URL" to create one',
      });
    }
    return;
  }
  const found = parseSchemaVer(raw);
  if (found) checkSchemaVer(found, CURRENT_SCHEMA, access, where);
}

/** Opens an existing DB for queries; `VULNDB_NOT_FOUND`, `VULNDB_SCHEMA_TOO_NEW`, `VULNDB_CORRUPT`. */
export function openForRead(path: string): Db {
  if (!existsSync(path)) {
    throw new AppError('VULNDB_NOT_FOUND', `no vulnerability DB at ${path}`, {
      hint: 'run "corral db update" (online), "corral db pull URL" or "corral db import PATH --source …" first',
    });
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // A DB file is never written in place: every change builds a temp file and renames it over this
    // path (build.ts), and an open handle keeps reading the file it opened. So a reader may keep its
    // shared lock for its whole life. Without this, every statement takes and drops the lock and
    // re-reads the file header to validate its page cache (three syscalls), which was 85% of the time
    // of an indexed lookup.
    db.pragma('locking_mode = EXCLUSIVE');
    gate(db, path, 'read');
    // Lookups touch a few pages each; memory-mapping the file saves a pread per page (≈ 2× faster).
    db.pragma(`mmap_size = ${READ_MMAP_BYTES}`);
    db.pragma(`cache_size = -${READ_CACHE_KIB}`);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof AppError) throw err;
    throw new AppError('VULNDB_CORRUPT', `cannot open vulnerability DB ${path}: ${describeError(err)}`, {
      hint: 'delete the file and run "corral db update"',
      cause: err,
    });
  }
}

/**
 * `journal_mode = OFF`. better-sqlite3 opens connections in SQLite's defensive mode, which refuses this
 * mode without an error (the pragma answers `delete` and every page was written twice, once to the
 * rollback journal), so defensive mode is lifted for this one pragma. Without a journal a failed
 * transaction cannot be rolled back: the writer stops on the first failure and `buildDb` deletes the
 * file.
 */
function setJournalOff(db: Db): void {
  db.unsafeMode(true);
  try {
    const mode = db.pragma('journal_mode = OFF', { simple: true }) as string;
    if (mode !== 'off') throw new Error(`SQLite refused journal_mode = OFF (still ${mode})`);
  } finally {
    db.unsafeMode(false);
  }
}

/**
 * Opens (creating if needed) a DB for writing and migrates it. `bulk` trades durability for speed and
 * is only for files nobody else reads (the temp file of an update, swapped in by an atomic rename).
 */
export function openForWrite(path: string, options: { bulk?: boolean } = {}): Db {
  let db: Db | undefined;
  try {
    db = new Database(path);
    gate(db, path, 'write');
    db.pragma(`page_size = ${PAGE_SIZE}`); // no effect once the file has tables
    if (options.bulk === true) {
      // Nobody else opens the temp file: no journal, no fsync until the final one of build.ts, and
      // the lock is taken once instead of per transaction.
      db.pragma('locking_mode = EXCLUSIVE');
      setJournalOff(db);
      db.pragma('synchronous = OFF');
      db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      db.pragma('temp_store = MEMORY');
    } else {
      db.pragma('journal_mode = DELETE');
    }
    migrate(db, path);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof AppError) throw err;
    throw new AppError(
      'VULNDB_CORRUPT',
      `cannot open vulnerability DB ${path} for writing: ${describeError(err)}`,
      {
        hint: 'check permissions and free space; delete the file to rebuild it',
        cause: err,
      },
    );
  }
}
