/**
 * THE ordered list of vulndb migrations (CONVENTIONS.md §2.8 habit 6: numbered, append-only) and the
 * migrator. The DB records the id of every applied migration in `migration`; the migrator runs the
 * missing ones in one `BEGIN IMMEDIATE` transaction (SQLite's write lock serialises concurrent
 * migrators) and refuses a DB that has migrations this build does not know.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../../errors.js';
import { formatSchemaVer, type SchemaVer } from '../schema.js';
import { init0001 } from './0001-init.js';

export interface Migration {
  /** Sequence number, equal to the file's prefix; strictly increasing in {@link MIGRATIONS}. */
  id: number;
  name: string;
  /** Schema version of the DB after this migration. */
  schema: SchemaVer;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [init0001];

const last = MIGRATIONS[MIGRATIONS.length - 1];
if (last === undefined) throw new Error('no vulndb migrations');
/** Schema version this build writes. */
export const CURRENT_SCHEMA: SchemaVer = last.schema;

/** Applies missing migrations; returns the ids it applied. */
export function migrate(db: Database.Database, where: string): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS migration (id INTEGER PRIMARY KEY, name TEXT NOT NULL, schema_version TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const run = db.transaction((): number[] => {
    const done = new Set((db.prepare('SELECT id FROM migration').all() as { id: number }[]).map((r) => r.id));
    const unknown = [...done].filter((id) => !MIGRATIONS.some((m) => m.id === id));
    if (unknown.length > 0) {
      throw new AppError(
        'VULNDB_SCHEMA_TOO_NEW',
        `vulnerability DB ${where} has migrations ${unknown.join(', ')} that this corral does not know (it knows up to ${formatSchemaVer(CURRENT_SCHEMA)})`,
        { hint: 'upgrade corral, or delete the DB and run "corral db update" to rebuild it' },
      );
    }
    const applied: number[] = [];
    const record = db.prepare(
      'INSERT INTO migration (id, name, schema_version, applied_at) VALUES (?, ?, ?, ?)',
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      m.up(db);
      record.run(m.id, m.name, formatSchemaVer(m.schema), new Date().toISOString());
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(
        formatSchemaVer(m.schema),
      );
      applied.push(m.id);
    }
    return applied;
  });
  return run.immediate();
}
