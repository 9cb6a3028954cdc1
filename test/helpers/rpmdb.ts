/**
 * Real rpm databases for the rpm cataloger's tests, made with Debian's `rpm`/`rpmbuild` 4.18 and
 * BerkeleyDB 5.3 tools (apt packages `rpm`, `db5.3-util`; scripts/test-env.sh installs them):
 *
 * - {@link buildRpms} writes spec files and builds tiny noarch packages; {@link installRpms} installs them
 *   into a root with `rpm --root DIR --nodeps -i` (SQLite, Debian's default `%_db_backend`);
 *   {@link queryInstalled} is the ground truth, `rpm -qa --qf` in that root.
 * - Debian's rpm reads BerkeleyDB (`bdb_ro`) but cannot write it: {@link writeBdbPackages} loads the same
 *   real header blobs into a hash database with `db5.3_load`, from the `db_dump` text format.
 * - Debian's rpm has no NDB backend: {@link encodeNdbPackages} is a small writer following rpm
 *   `lib/backend/ndb/rpmpkg.c` (`rpmpkgWriteEmptySlotpage`, `rpmpkgWriteBlob`, `rpmpkgWriteslot`).
 *   It shares no code with the reader under test; its adler32 comes from zlib.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { hasCommand } from './commands.js';
import { type SkipContext, skipOrFailInCi } from './env.js';
import { runTool } from './image-tools.js';

/** Tools these helpers need, with the Debian package that provides each. */
export const RPM_TOOLS = { rpm: 'rpm', rpmbuild: 'rpm', db5: 'db5.3-util' } as const;
const DB_LOAD = 'db5.3_load';

/** The rpmdb location inside roots made here (Debian's own `%_dbpath` is `~/.rpmdb`). */
export const RPM_DBPATH = '/var/lib/rpm';

/** `rpm -qa` format of the facts the cataloger reports; one line per package. */
export const QA_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';

/** True when rpm, rpmbuild and db5.3_load are installed. Otherwise skips `t`, or throws under `CI=true`. */
export async function requireRpmTools(t: SkipContext | undefined): Promise<boolean> {
  const missing: string[] = [];
  for (const tool of ['rpm', 'rpmbuild', DB_LOAD]) if (!(await hasCommand(tool))) missing.push(tool);
  if (missing.length === 0) return true;
  skipOrFailInCi(
    t,
    `${missing.join(', ')} not installed (apt-get install rpm db5.3-util, or run scripts/test-env.sh start)`,
  );
  return false;
}

/** A tiny noarch package. */
export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  license: string;
  vendor?: string;
  /** `%modularitylabel` at build time → the MODULARITYLABEL tag. */
  modularityLabel?: string;
  /** Files the package installs (absolute paths; parent directories are owned too). */
  files: { path: string; content: string }[];
}

function specText(s: RpmSpec): string {
  const dirs = [...new Set(s.files.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))))];
  const install = [
    ...dirs.map((d) => `mkdir -p %{buildroot}${d}`),
    // `%%` is a literal `%` in spec files; the content is single-quoted for the shell.
    ...s.files.map((f) => `printf '%%s' '${f.content.replace(/['%]/g, '')}' > %{buildroot}${f.path}`),
  ];
  return [
    `Name: ${s.name}`,
    `Version: ${s.version}`,
    `Release: ${s.release}`,
    ...(s.epoch !== undefined ? [`Epoch: ${s.epoch}`] : []),
    `Summary: ${s.name} test package`,
    `License: ${s.license}`,
    ...(s.vendor !== undefined ? [`Vendor: ${s.vendor}`] : []),
    'BuildArch: noarch',
    '%description',
    `${s.name}, built by Corral's tests.`,
    '%install',
    ...install,
    '%files',
    ...s.files.map((f) => f.path),
    '',
  ].join('\n');
}

/**
 * Skips the post-install brp-* scripts (strip, byte-compile, mangle shebangs…): they have nothing to do
 * for text files and take seconds per package. The header rpmbuild writes is the same otherwise.
 */
const FAST_BUILD = ['--define', '__os_install_post %{nil}', '--define', '__spec_install_post %{nil}'];

/** Builds each spec with rpmbuild under `workDir` (in parallel, one topdir each); returns the .rpm paths in spec order. */
export async function buildRpms(workDir: string, specs: readonly RpmSpec[]): Promise<string[]> {
  return Promise.all(specs.map((s) => buildRpm(join(workDir, `rpmbuild-${s.name}`), s)));
}

async function buildRpm(top: string, s: RpmSpec): Promise<string> {
  await mkdir(join(top, 'SPECS'), { recursive: true });
  const specFile = join(top, 'SPECS', `${s.name}.spec`);
  await writeFile(specFile, specText(s));
  const defines = ['--define', `_topdir ${top}`, ...FAST_BUILD];
  if (s.modularityLabel !== undefined) defines.push('--define', `modularitylabel ${s.modularityLabel}`);
  await runTool('rpmbuild', ['-bb', '--quiet', ...defines, specFile]);
  const name = `${s.name}-${s.version}-${s.release}.noarch.rpm`; // the epoch is not part of file names
  if (!(await readdir(join(top, 'RPMS', 'noarch'))).includes(name))
    throw new Error(`rpmbuild made no ${name}`);
  return join(top, 'RPMS', 'noarch', name);
}

const rootArgs = (root: string, backend?: string): string[] => [
  '--root',
  root,
  '--dbpath',
  RPM_DBPATH,
  ...(backend !== undefined ? ['--define', `_db_backend ${backend}`] : []),
];

/** Installs packages into `root` (created as needed) with the default (SQLite) backend. */
export async function installRpms(root: string, rpmFiles: readonly string[]): Promise<void> {
  await mkdir(join(root, RPM_DBPATH), { recursive: true });
  await runTool('rpm', [...rootArgs(root), '--initdb']);
  if (rpmFiles.length > 0) await runTool('rpm', [...rootArgs(root), '--nodeps', '-i', ...rpmFiles]);
}

/** Erases packages by name from `root`. */
export async function eraseRpms(root: string, names: readonly string[]): Promise<void> {
  await runTool('rpm', [...rootArgs(root), '--nodeps', '-e', ...names]);
}

/** `rpm -qa --qf QA_FORMAT` in `root`, sorted; `backend` e.g. `bdb_ro` to read a BerkeleyDB. */
export async function queryInstalled(root: string, backend?: string): Promise<string[]> {
  const { stdout } = await runTool('rpm', [...rootArgs(root, backend), '-qa', '--qf', QA_FORMAT]);
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** rpm's own backend name for a root's database, e.g. `sqlite` (`%_db_backend`). */
export async function defaultBackend(): Promise<string> {
  return (await runTool('rpm', ['--eval', '%_db_backend'])).stdout.trim();
}

export interface HeaderBlob {
  /** Header instance number (`hnum`). */
  hnum: number;
  blob: Buffer;
  /** The package name from rpm's `Name` index table, when read from SQLite. */
  name?: string;
}

/** The header blobs of an rpm SQLite database, read with plain SQL (independent of the reader under test). */
export function sqliteHeaderBlobs(dbFile: string): HeaderBlob[] {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const sql =
      'SELECT p.hnum, p.blob, n.key AS name FROM Packages p LEFT JOIN Name n ON n.hnum = p.hnum ORDER BY p.hnum';
    return db.prepare(sql).all() as HeaderBlob[];
  } finally {
    db.close();
  }
}

export interface BdbOptions {
  /** BerkeleyDB page size; the header blobs go to overflow pages when larger than a quarter page. Default 4096. */
  pageSize?: number;
  /** Write the file as a big-endian machine would (`db_lorder=4321`); keys follow. Default false. */
  bigEndian?: boolean;
  /** rpm's instance counter under key 0 (as rpm < 4.16 kept it). Default true. */
  counter?: boolean;
  /** Page checksums (`chksum=1`: item indexes start 6 bytes later). rpm's bdb_ro cannot read these. */
  checksum?: boolean;
}

/**
 * Writes a BerkeleyDB hash `Packages` with `db5.3_load -t hash`, from the `db_dump -p`-free
 * "bytevalue" text format (db_dump(1)): keys are the 4-byte instance numbers in the file's byte order,
 * values the header blobs.
 */
export async function writeBdbPackages(
  file: string,
  blobs: readonly HeaderBlob[],
  opts: BdbOptions = {},
): Promise<void> {
  const be = opts.bigEndian ?? false;
  const key = (n: number): string => {
    const b = Buffer.alloc(4);
    if (be) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    return b.toString('hex');
  };
  const lines = ['VERSION=3', 'format=bytevalue', 'type=hash', `db_pagesize=${opts.pageSize ?? 4096}`];
  lines.push(`db_lorder=${be ? 4321 : 1234}`, `chksum=${opts.checksum ? 1 : 0}`, 'HEADER=END');
  if (opts.counter ?? true) lines.push(` ${key(0)}`, ` ${key(Math.max(0, ...blobs.map((b) => b.hnum)))}`);
  for (const { hnum, blob } of blobs) lines.push(` ${key(hnum)}`, ` ${blob.toString('hex')}`);
  lines.push('DATA=END', '');
  const tmp = await mkdtemp(join(tmpdir(), 'corral-bdb-'));
  try {
    const dump = join(tmp, 'dump.txt');
    await writeFile(dump, lines.join('\n'));
    await rm(file, { force: true });
    await runTool(DB_LOAD, ['-t', 'hash', '-f', dump, file]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// NDB writer (rpm lib/backend/ndb/rpmpkg.c). All integers little-endian u32.

const NDB = {
  blk: 16,
  page: 4096,
  slot: 16,
  header: 32,
  blobHead: 16,
  blobTail: 12,
  magic: { pkgdb: 'RpmP', slot: 'Slot', head: 'BlbS', tail: 'BlbE' },
} as const;

export interface NdbOptions {
  /** Slot pages to reserve (rpm starts with 1 and adds pages as slots run out). Default: as needed. */
  slotPages?: number;
  /** Leave a free slot and a zeroed gap before each blob, as erasing packages does. Default false. */
  holes?: boolean;
}

/** zlib's Adler-32 of `bytes`: the big-endian trailer of a zlib stream (RFC 1950 §2.2). */
function zlibAdler32(bytes: Buffer): number {
  const z = deflateSync(bytes, { level: 0 });
  return z.readUInt32BE(z.length - 4);
}

/** One blob record: head, header blob, zero padding to a block, tail with adler32 (`rpmpkgWriteBlob`). */
function ndbBlob(pkgidx: number, blob: Buffer, generation: number): Buffer {
  const blocks = Math.ceil((NDB.blobHead + blob.length + NDB.blobTail) / NDB.blk);
  const out = Buffer.alloc(blocks * NDB.blk);
  out.write(NDB.magic.head, 0, 'latin1');
  out.writeUInt32LE(pkgidx, 4);
  out.writeUInt32LE(generation, 8);
  out.writeUInt32LE(blob.length, 12);
  blob.copy(out, NDB.blobHead);
  const tail = out.length - NDB.blobTail;
  out.writeUInt32LE(zlibAdler32(out.subarray(0, tail)), tail);
  out.writeUInt32LE(blob.length, tail + 4);
  out.write(NDB.magic.tail, tail + 8, 'latin1');
  return out;
}

/**
 * An NDB `Packages.db` holding `blobs` under their `hnum` as package index.
 * @example await writeFile(join(dbDir, 'Packages.db'), encodeNdbPackages(sqliteHeaderBlobs(sqliteFile)));
 */
export function encodeNdbPackages(blobs: readonly HeaderBlob[], opts: NdbOptions = {}): Buffer {
  const slotsPerPage = NDB.page / NDB.slot;
  const firstSlot = NDB.header / NDB.slot;
  const usedSlots = blobs.length * (opts.holes ? 2 : 1);
  const slotPages = opts.slotPages ?? Math.max(1, Math.ceil((firstSlot + usedSlots) / slotsPerPage));
  const slotArea = Buffer.alloc(slotPages * NDB.page);
  for (let s = firstSlot; s < slotPages * slotsPerPage; s++)
    slotArea.write(NDB.magic.slot, s * NDB.slot, 'latin1');
  const parts: Buffer[] = [slotArea];
  let block = slotArea.length / NDB.blk;
  let slot = firstSlot;
  const generation = blobs.length + 1;
  for (const { hnum, blob } of blobs) {
    if (opts.holes) {
      slot++; // a free slot: magic only, blkoff 0
      parts.push(Buffer.alloc(2 * NDB.blk));
      block += 2;
    }
    const rec = ndbBlob(hnum, blob, generation);
    slotArea.writeUInt32LE(hnum, slot * NDB.slot + 4);
    slotArea.writeUInt32LE(block, slot * NDB.slot + 8);
    slotArea.writeUInt32LE(rec.length / NDB.blk, slot * NDB.slot + 12);
    parts.push(rec);
    block += rec.length / NDB.blk;
    slot++;
  }
  slotArea.write(NDB.magic.pkgdb, 0, 'latin1');
  slotArea.writeUInt32LE(0, 4); // PKGDB_VERSION
  slotArea.writeUInt32LE(generation, 8);
  slotArea.writeUInt32LE(slotPages, 12);
  slotArea.writeUInt32LE(Math.max(0, ...blobs.map((b) => b.hnum)) + 1, 16); // nextpkgidx
  return Buffer.concat(parts);
}

/**
 * The packages the rpm tests build: one with an epoch and a Python dist-info (an OS-owned language
 * package), one from a module stream, one with an explicit epoch 0 and a tilde version, and one with
 * 300 files whose header spans several BerkeleyDB overflow pages.
 */
export const TEST_PACKAGES: readonly RpmSpec[] = [
  {
    name: 'corral-hello',
    version: '1.2.3',
    release: '4.el9',
    epoch: 2,
    license: 'MIT AND Apache-2.0',
    vendor: 'Rocky Enterprise Software Foundation',
    files: [
      { path: '/usr/share/corral-hello/hello.txt', content: 'hello' },
      {
        path: '/usr/lib/python3.9/site-packages/corral_hello-1.2.3.dist-info/METADATA',
        content: 'Metadata-Version: 2.1\nName: corral-hello\nVersion: 1.2.3\n',
      },
    ],
  },
  {
    name: 'corral-lib',
    version: '0.9',
    release: '1.module+el9.1.0+123+abcdef',
    license: 'GPLv2+',
    modularityLabel: 'corral:1.0:9010020240101:abcdef',
    files: [{ path: '/usr/lib/corral-lib/lib.txt', content: 'lib' }],
  },
  {
    name: 'corral-zero',
    version: '3.0~rc1',
    release: '2',
    epoch: 0,
    license: 'BSD-3-Clause',
    files: [{ path: '/etc/corral-zero.conf', content: 'zero=1' }],
  },
  {
    name: 'corral-many',
    version: '5',
    release: '1',
    license: 'ISC',
    files: Array.from({ length: 300 }, (_, i) => ({
      path: `/usr/share/corral-many/file-${String(i).padStart(3, '0')}.txt`,
      content: `file ${i}`,
    })),
  },
];
