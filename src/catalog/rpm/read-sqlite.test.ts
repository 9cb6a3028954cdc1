import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { readSqlite } from './read-sqlite.js';
import type { DbItem } from './db-record.js';
import { HEADERS, problems, records } from './testdata/header-blobs.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
/** rpmdb.sqlite as rpm 4.18 wrote it (WAL mode, all of rpm's index tables; testdata/README.md). */
const RPMDB = readFileSync(join(TESTDATA, 'rpmdb.sqlite'));

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-rpm-sqlite-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function collect(data: Buffer, wal?: Buffer): Promise<DbItem[]> {
  const out: DbItem[] = [];
  for await (const item of readSqlite(data, { tmpDir: work, ...(wal && { wal }) })) out.push(item);
  return out;
}

/** A database file made with better-sqlite3 by `setup` (rpm's Packages schema unless it says otherwise). */
async function makeDb(name: string, setup: (db: Database.Database) => void): Promise<Buffer> {
  const file = join(work, `${name}.sqlite`);
  const db = new Database(file);
  setup(db);
  db.close();
  const bytes = await readFile(file);
  await rm(file);
  return bytes;
}

const RPM_SCHEMA = 'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)';

describe('readSqlite', () => {
  it('yields every header blob of an rpm-written database byte for byte, and leaves no temp files', async () => {
    const items = await collect(RPMDB);
    assert.deepEqual(problems(items), []);
    assert.deepEqual(
      records(items).map((r) => r.recordNumber),
      [...HEADERS.keys()].sort((a, b) => a - b),
    );
    for (const r of records(items)) assert.ok(HEADERS.get(r.recordNumber)!.equals(r.blob));
    assert.deepEqual(await readdir(work), []);
  });

  it('cleans up when the consumer stops early', async () => {
    for await (const item of readSqlite(RPMDB, { tmpDir: work })) {
      assert.equal(item.kind, 'record');
      break;
    }
    assert.deepEqual(await readdir(work), []);
  });

  it('applies the frames of a -wal file', async () => {
    const file = join(work, 'wal.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(RPM_SCHEMA);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('INSERT INTO Packages (hnum, blob) VALUES (?, ?)').run(7, HEADERS.get(1)!);
    // Copied while the connection is open: closing checkpoints the log into the main file.
    const [main, wal] = [await readFile(file), await readFile(`${file}-wal`)];
    db.close();
    for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
    assert.deepEqual(records(await collect(main)), []);
    assert.deepEqual(
      records(await collect(main, wal)).map((r) => r.recordNumber),
      [7],
    );
  });

  it('reports a file that is not SQLite without touching the disk', async () => {
    const items = await collect(Buffer.from('not a database'));
    assert.deepEqual(
      problems(items).map((p) => p.code),
      ['CATALOG_RPM_DB_CORRUPT'],
    );
    assert.deepEqual(await readdir(work), []);
  });

  it('reports a database without a Packages table', async () => {
    const items = await collect(await makeDb('other', (db) => db.exec('CREATE TABLE Other (x)')));
    assert.deepEqual(
      problems(items).map((p) => p.code),
      ['CATALOG_RPM_DB_CORRUPT'],
    );
  });

  it('reports a truncated database', async () => {
    const items = await collect(RPMDB.subarray(0, 8192));
    assert.deepEqual(records(items), []);
    assert.ok(problems(items).length > 0);
    assert.ok(problems(items).every((p) => p.code === 'CATALOG_RPM_DB_CORRUPT'));
  });

  it('reports a row whose blob is not a BLOB against its record number', async () => {
    const data = await makeDb('text', (db) => {
      db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob)');
      db.prepare('INSERT INTO Packages VALUES (?, ?)').run(1, HEADERS.get(1)!);
      db.prepare('INSERT INTO Packages VALUES (?, ?)').run(2, 'text');
    });
    const items = await collect(data);
    assert.equal(records(items).length, 1);
    assert.deepEqual(
      problems(items).map((p) => [p.code, p.recordNumber]),
      [['CATALOG_RPM_RECORD_CORRUPT', 2]],
    );
  });
});
