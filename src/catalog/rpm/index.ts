/**
 * The rpm database cataloger: installed packages of Red Hat-family and SUSE images from whichever rpmdb
 * backend the image carries (see README.md). Storage is read by read-{sqlite,bdb,ndb}.ts, each header by
 * parse-header.ts, and package.ts turns headers into packages.
 */
import type { FileRef, FileView } from '../../image/file-view.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { describeError } from '../../errors.js';
import { emptyResult, type CatalogResult, type PackageDraft, type Unknown } from '../model.js';
import { type DbItem, type DbProblem, problem, type RpmUnknownCode } from './db-record.js';
import { toPackage } from './package.js';
import { parseHeader } from './parse-header.js';
import { readBdb } from './read-bdb.js';
import { readNdb } from './read-ndb.js';
import { readSqlite } from './read-sqlite.js';

const ID = 'rpm-db';

/** rpm's `%_dbpath`: upstream default, and where Fedora 36+/openSUSE moved it (`/var/lib/rpm` a symlink). */
export const RPMDB_DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'] as const;

export type RpmBackend = 'sqlite' | 'ndb' | 'bdb';

/** Database file per backend, in rpm's autodetection order (lib/backend/dbi.cc `backends[]`). */
const BACKEND_FILES: readonly [RpmBackend, string][] = [
  ['sqlite', 'rpmdb.sqlite'],
  ['ndb', 'Packages.db'],
  ['bdb', 'Packages'],
];
const WAL_SUFFIX = '-wal';
/** A wrecked database can yield a problem per page or slot: report the first ones and a count. */
const MAX_UNKNOWNS_PER_DB = 50;

/** Every database path the cataloger reads. */
export const RPMDB_PATHS: readonly string[] = RPMDB_DIRS.flatMap((dir) =>
  BACKEND_FILES.map(([, file]) => `${dir}/${file}`),
);
const BACKEND_BY_PATH = new Map<string, RpmBackend>(
  RPMDB_DIRS.flatMap((dir) => BACKEND_FILES.map(([b, file]): [string, RpmBackend] => [`${dir}/${file}`, b])),
);
/** SQLite write-ahead logs are declared too, so that they are captured in the first pass. */
const WANTED: ReadonlySet<string> = new Set([
  ...RPMDB_PATHS,
  ...RPMDB_DIRS.map((dir) => `${dir}/rpmdb.sqlite${WAL_SUFFIX}`),
]);

function wants(path: string): boolean {
  return WANTED.has(path);
}

/**
 * The database rpm itself would use when an image holds several (a leftover `Packages` next to a
 * converted `rpmdb.sqlite`, or both `%_dbpath` directories as real directories): the one written by the
 * latest layer, then the newest mtime, then rpm's autodetection order. Paths that resolve to the same
 * file through a symlinked directory count once (the runner only sees the real path). A path that cannot
 * be resolved (a symlink loop) is left out and passed to `onError`.
 */
export function selectDatabase(
  view: FileView,
  onError: (path: string, err: unknown) => void = () => undefined,
): FileRef | undefined {
  const seen = new Map<string, FileRef>();
  for (const path of RPMDB_PATHS) {
    let ref: FileRef | undefined;
    try {
      ref = view.lstat(path);
    } catch (err) {
      onError(path, err);
    }
    if (ref?.type === 'file' && !seen.has(ref.realPath)) seen.set(ref.realPath, ref);
  }
  const rank = (r: FileRef): number => BACKEND_FILES.findIndex(([b]) => b === BACKEND_BY_PATH.get(r.path));
  return [...seen.values()].sort(
    (a, b) => b.layerIndex - a.layerIndex || b.mtime - a.mtime || rank(a) - rank(b),
  )[0];
}

async function catalog(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
  const backend = BACKEND_BY_PATH.get(file.path);
  if (backend === undefined) return emptyResult(); // a -wal file: read together with its database
  const unknowns = new UnknownList(file.path);
  const chosen = selectDatabase(ctx.view, (path, err) =>
    unknowns.add('CATALOG_RPM_DB_UNREADABLE', `cannot resolve ${path}: ${describeError(err)}`),
  );
  if (chosen !== undefined && chosen.realPath !== file.realPath) return emptyResult();
  const packages: PackageDraft[] = [];
  let data: Buffer;
  try {
    data = await file.read();
  } catch (err) {
    unknowns.add('CATALOG_RPM_DB_UNREADABLE', describeError(err));
    return { packages, relationships: [], unknowns: unknowns.list() };
  }
  for await (const item of readDatabase(backend, data, file, ctx.view)) {
    if (item.kind === 'problem') {
      unknowns.add(item.code, item.message);
      continue;
    }
    const parsed = parseHeader(item.blob);
    if (!parsed.ok)
      unknowns.add('CATALOG_RPM_HEADER_CORRUPT', `record ${item.recordNumber}: ${parsed.reason}`);
    else if (!isPseudoPackage(parsed.header.name, parsed.header.arch)) {
      packages.push(toPackage(parsed.header, file.path, ctx.distro, ID));
    }
  }
  return { packages, relationships: [], unknowns: unknowns.list() };
}

/** The Unknowns of one database file, each naming it; past a cap only counted. */
class UnknownList {
  readonly #path: string;
  readonly #items: Unknown[] = [];
  #dropped = 0;

  constructor(path: string) {
    this.#path = path;
  }

  add(code: RpmUnknownCode, message: string): void {
    if (this.#items.length >= MAX_UNKNOWNS_PER_DB) this.#dropped++;
    else this.#items.push({ path: this.#path, code, message: `${this.#path}: ${message}`, cataloger: ID });
  }

  list(): Unknown[] {
    if (this.#dropped === 0) return this.#items;
    const message = `${this.#path}: ${this.#dropped} more problems not listed (first ${MAX_UNKNOWNS_PER_DB} shown)`;
    return [...this.#items, { path: this.#path, code: 'CATALOG_RPM_DB_CORRUPT', message, cataloger: ID }];
  }
}

/** Imported OpenPGP keys are stored as `gpg-pubkey` headers without an ARCH: not installed software. */
function isPseudoPackage(name: string, arch: string | undefined): boolean {
  return name === 'gpg-pubkey' && arch === undefined;
}

async function* readDatabase(
  backend: RpmBackend,
  data: Buffer,
  file: FileRef,
  view: FileView,
): AsyncGenerator<DbItem> {
  switch (backend) {
    case 'sqlite': {
      const wal = await walFor(file, view);
      if (wal?.kind === 'problem') yield wal;
      yield* readSqlite(data, wal?.kind === 'wal' ? { wal: wal.bytes } : {});
      return;
    }
    case 'ndb':
      yield* readNdb(data);
      return;
    case 'bdb':
      yield* readBdb(data);
      return;
  }
}

/**
 * The `-wal` of the database version being read, when it is the current one and the log was written by
 * the same or a later layer (an older log does not belong to a database rewritten above it).
 */
async function walFor(
  file: FileRef,
  view: FileView,
): Promise<{ kind: 'wal'; bytes: Buffer } | DbProblem | undefined> {
  const walPath = `${file.path}${WAL_SUFFIX}`;
  try {
    const current = view.lstat(file.path);
    const wal = view.lstat(walPath);
    if (!current || current.layerIndex !== file.layerIndex || wal?.type !== 'file' || wal.size === 0)
      return undefined;
    if (wal.layerIndex < file.layerIndex) return undefined;
    return { kind: 'wal', bytes: await wal.read() };
  } catch (err) {
    // The database is still read, without the log's frames, as rpm would after losing the log.
    return problem('CATALOG_RPM_DB_UNREADABLE', `${walPath}: ${describeError(err)}; read without it`);
  }
}

export const rpmDb = {
  id: ID,
  version: 1,
  tags: ['os', 'installed', 'rpm'],
  wants,
  catalog,
} satisfies Cataloger;
