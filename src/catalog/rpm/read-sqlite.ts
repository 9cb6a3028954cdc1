/**
 * Reads rpm's SQLite `rpmdb.sqlite` (rpm ≥ 4.16: Fedora 33+, RHEL/Rocky/Alma 9+, Amazon Linux 2023,
 * openSUSE Tumbleweed). Headers live in `Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT
 * NULL)` (rpm `lib/backend/sqlite.cc`); the other tables are indexes we do not need.
 *
 * better-sqlite3 opens files by path, so the bytes are written to a private temporary directory (mode
 * 0700 from mkdtemp), opened read-only, and deleted afterwards. rpm keeps its database in WAL mode with a
 * persistent `-wal` file (`SQLITE_FCNTL_PERSIST_WAL`); it is normally empty after rpm's final
 * `wal_checkpoint(TRUNCATE)`, but when given, its frames are applied by SQLite like rpm would see them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type DbItem, problem } from './db-record.js';

/** Every SQLite database file starts with this (https://www.sqlite.org/fileformat.html §1.3). */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const DB_NAME = 'rpmdb.sqlite';

export interface ReadSqliteOptions {
  /** The database's `-wal` file, when the image has a non-empty one written with or after the database. */
  wal?: Buffer;
  /** Parent of the private temporary directory; default `os.tmpdir()`. */
  tmpDir?: string;
}

interface Row {
  hnum: unknown;
  blob: unknown;
}

/**
 * Yields every header blob of an rpm SQLite database, by `hnum`.
 * @example for await (const item of readSqlite(await file.read())) if (item.kind === 'record') parseHeader(item.blob);
 */
export async function* readSqlite(data: Buffer, opts: ReadSqliteOptions = {}): AsyncGenerator<DbItem> {
  if (data.length < SQLITE_MAGIC.length || !data.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    yield problem(
      'CATALOG_RPM_DB_CORRUPT',
      `not an SQLite database (${data.length} bytes, no "SQLite format 3" magic)`,
    );
    return;
  }
  const dir = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'corral-rpmdb-'));
  let db: Database.Database | undefined;
  let rows: IterableIterator<unknown> | undefined;
  try {
    const path = join(dir, DB_NAME);
    await writeFile(path, data, { mode: 0o600 });
    if (opts.wal && opts.wal.length > 0) await writeFile(`${path}-wal`, opts.wal, { mode: 0o600 });
    db = new Database(path, { readonly: true, fileMustExist: true });
    rows = db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate();
    yield* toItems(rows);
  } catch (err) {
    // SQLite reports a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) or a missing Packages table as an
    // exception from open, prepare or step: that is content, not a scanner failure.
    yield problem('CATALOG_RPM_DB_CORRUPT', `SQLite: ${(err as Error).message}`);
  } finally {
    rows?.return?.();
    db?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function* toItems(rows: IterableIterator<unknown>): Generator<DbItem> {
  for (const raw of rows) {
    const { hnum, blob } = raw as Row;
    const recordNumber = typeof hnum === 'number' ? hnum : typeof hnum === 'bigint' ? Number(hnum) : NaN;
    if (!Number.isSafeInteger(recordNumber)) {
      yield problem('CATALOG_RPM_RECORD_CORRUPT', `row with hnum ${String(hnum)} is not an integer`);
    } else if (!Buffer.isBuffer(blob)) {
      yield problem(
        'CATALOG_RPM_RECORD_CORRUPT',
        `record ${recordNumber}: blob is ${typeof blob}, not a BLOB`,
        recordNumber,
      );
    } else {
      yield { kind: 'record', recordNumber, blob };
    }
  }
}
