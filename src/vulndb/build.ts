/**
 * Crash-safe DB builds. Every change (update, import, pull) runs as: take the lock file → copy the
 * current DB to a temp file *in the same directory* → write the temp file with durability off (nobody
 * reads it) → fsync → `rename(2)` over the DB → fsync the directory. `rename` is atomic on POSIX, so a
 * `kill -9` at any moment leaves either the old or the new DB, never a mix; leftovers (temp file, stale
 * lock of a dead pid) are cleaned by the next run.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError, describeError } from '../errors.js';
import { openForWrite, type Db } from './db.js';
import { VulnDbWriter } from './writer.js';

const TEMP_MARK = '.tmp-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // ESRCH: no such process; EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<db>.lock` (O_EXCL, holds our pid); a lock whose pid is dead is taken over. */
export function acquireLock(dbPath: string): () => void {
  const lock = `${dbPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new AppError('VULNDB_LOCKED', `vulnerability DB ${dbPath} is being changed by process ${pid}`, {
          hint: `wait for it to finish; if no corral runs, delete ${lock}`,
        });
      }
      rmSync(lock, { force: true });
    }
  }
  throw new AppError('VULNDB_LOCKED', `cannot take the lock ${lock}`, {
    hint: `delete ${lock} if no corral runs`,
  });
}

/** Removes temp files of earlier runs whose process is gone (`.vuln.db.tmp-<pid>-…`). */
function removeStaleTemps(dbPath: string): void {
  const dir = dirname(dbPath);
  const prefix = `.${basename(dbPath)}${TEMP_MARK}`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!isAlive(pid)) rmSync(join(dir, name), { force: true, recursive: true });
  }
}

function fsyncPath(path: string, flags = 'r'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface BuildContext {
  writer: VulnDbWriter;
  db: Db;
  /** Directory for scratch files (downloads) next to the DB, removed afterwards. */
  scratchDir: string;
}

export interface BuildOptions {
  /** Start from an empty DB instead of a copy of the current one. */
  fresh?: boolean;
  /** Replace the temp DB file before opening it (pulling a full artefact). */
  seed?: (tempPath: string) => Promise<void>;
  /**
   * `false`: do not start a new generation (`db_version` and `built_at` stay as the content sets them);
   * for installing pulled artefacts, which carry their own version.
   */
  commit?: boolean;
  /** Called with a phase name at each step (progress output; the crash test keys on it). */
  onPhase?: (phase: 'copy' | 'write' | 'swap' | 'done') => void;
}

/**
 * Runs `fn` against a temp copy of the DB and swaps it in atomically when `fn` resolves; on a throw the
 * DB is untouched.
 *
 * @example
 * await buildDb(path, async ({ writer }) => writer.importItems(scope, items));
 */
export async function buildDb<T>(
  dbPath: string,
  fn: (ctx: BuildContext) => Promise<T>,
  options: BuildOptions = {},
): Promise<T> {
  mkdirSync(dirname(dbPath), { recursive: true });
  const release = acquireLock(dbPath);
  const temp = join(dirname(dbPath), `.${basename(dbPath)}${TEMP_MARK}${process.pid}-${Date.now()}`);
  const scratchDir = `${temp}.d`;
  let db: Db | undefined;
  try {
    removeStaleTemps(dbPath);
    mkdirSync(scratchDir, { recursive: true });
    options.onPhase?.('copy');
    if (options.seed !== undefined) await options.seed(temp);
    else if (options.fresh !== true && existsSync(dbPath)) copyFileSync(dbPath, temp);
    db = openForWrite(temp, { bulk: true });
    const writer = new VulnDbWriter(db);
    options.onPhase?.('write');
    const result = await fn({ writer, db, scratchDir });
    if (options.commit !== false) writer.finish();
    else writer.complete();
    db.pragma('optimize');
    db.close();
    db = undefined;
    options.onPhase?.('swap');
    swapIn(temp, dbPath);
    options.onPhase?.('done');
    return result;
  } finally {
    db?.close();
    rmSync(temp, { force: true });
    rmSync(scratchDir, { force: true, recursive: true });
    release();
  }
}

function swapIn(temp: string, dbPath: string): void {
  try {
    fsyncPath(temp, 'r+');
    renameSync(temp, dbPath);
    fsyncPath(dirname(dbPath));
  } catch (err) {
    throw new AppError('VULNDB_CORRUPT', `cannot replace ${dbPath}: ${describeError(err)}`, {
      hint: 'check permissions and free space in the DB directory; the previous DB is unchanged',
      cause: err,
    });
  }
}
