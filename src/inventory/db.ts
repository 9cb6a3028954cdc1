/**
 * Opens the inventory database: a Kysely instance over SQLite (better-sqlite3, one file) or PostgreSQL
 * (pg Pool), and brings its schema up to date with the ONE set of migrations in `migrations/`.
 *
 * Location: an explicit `postgres://…` URL, an explicit path, or `$CORRAL_HOME/inventory.db`
 * (default `~/.cache/corral/inventory.db`).
 *
 * @example
 * const { db, dialect } = await openInventoryDb('postgres://corral@db/corral');
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { AppError, describeError } from '../errors.js';
import { migrationProvider } from './migrations/index.js';
import type { InventoryDatabase } from './schema.js';

export type InventoryDialect = 'sqlite' | 'postgres';

/** `postgres://…` / `postgresql://…` URL, a file path, or `{ path }`. */
export type InventoryTarget = string | { path: string };

export interface InventoryDb {
  db: Kysely<InventoryDatabase>;
  dialect: InventoryDialect;
}

/** How long a SQLite writer waits for another process's write lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Connections per process against PostgreSQL (one is held while a `runExclusive` job runs). */
const PG_POOL_SIZE = 10;

/** The SQLite file the server uses when no `--database` is given. */
export function defaultInventoryPath(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CORRAL_HOME;
  if (home !== undefined && home !== '') return join(home, 'inventory.db');
  return join(homedir(), '.cache', 'corral', 'inventory.db');
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

function openSqlite(path: string): Kysely<InventoryDatabase> {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const database = new Database(path);
    database.pragma('journal_mode = WAL');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
    return new Kysely<InventoryDatabase>({ dialect: new SqliteDialect({ database }) });
  } catch (err) {
    throw new AppError(
      'INVENTORY_DB_UNAVAILABLE',
      `cannot open inventory database ${path}: ${describeError(err)}`,
      {
        hint: 'check the path and its permissions, or pass --database postgres://…',
        cause: err,
      },
    );
  }
}

function openPostgres(url: string): Kysely<InventoryDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_SIZE });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return new Kysely<InventoryDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the database and runs pending migrations (under Kysely's migration lock, safe for replicas). */
export async function openInventoryDb(target?: InventoryTarget): Promise<InventoryDb> {
  const spec = target ?? defaultInventoryPath();
  const url = typeof spec === 'string' ? spec : undefined;
  const dialect: InventoryDialect = url !== undefined && isPostgresUrl(url) ? 'postgres' : 'sqlite';
  const db =
    dialect === 'postgres' ? openPostgres(url!) : openSqlite(typeof spec === 'string' ? spec : spec.path);
  try {
    await migrate(db, dialect);
  } catch (err) {
    await db.destroy();
    if (err instanceof AppError) throw err;
    throw new AppError(
      'INVENTORY_DB_UNAVAILABLE',
      `cannot prepare the inventory database (${dialect}): ${describeError(err)}`,
      { hint: 'check that the database is reachable and the role may create tables', cause: err },
    );
  }
  return { db, dialect };
}

async function migrate(db: Kysely<InventoryDatabase>, dialect: InventoryDialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: 'corral_migration',
    migrationLockTableName: 'corral_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new AppError(
      'INVENTORY_DB_UNAVAILABLE',
      `inventory migration ${failed ?? '(unknown)'} failed: ${describeError(error)}`,
      {
        hint: 'a database written by a newer Corral cannot be opened by this one; upgrade Corral',
        cause: error,
      },
    );
  }
}
