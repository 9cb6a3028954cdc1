/**
 * Real Debian image layers made the way `docker build` makes them: start from the debootstrap minbase
 * rootfs (layer 0), run real commands in a chroot (`apt-get install`, `dpkg --purge`), and turn what
 * each step changed into a layer tar: new and changed entries (type, mode, owner, size, mtime, ctime or
 * inode differ), their parent directories, and OCI whiteouts for deleted paths.
 *
 * The layers are cached under `<test-env dir>/cache/debian-layers-<key>/`, keyed by the steps, the base
 * tar and {@link LAYERS_CACHE_VERSION}, so reruns only read them. Building needs root (chroot, mknod)
 * and the Debian mirror.
 *
 * @example
 * const { baseTar, layerTars } = await debianLayers([
 *   { createdBy: 'RUN apt-get install openssl', commands: [['apt-get', 'update'], ['apt-get', 'install', '-y', 'openssl']] },
 * ]);
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { layerTarStream, type FileSpec } from './build-image.js';
import { debootstrapRootfs, debootstrapTar, testEnvDir, withLock } from './debootstrap.js';

const execFileAsync = promisify(execFile);

/** Bump when the way layers are made changes: old cache entries are then ignored. */
export const LAYERS_CACHE_VERSION = 'v1';
/** apt downloads and unpacks packages: a slow mirror can take minutes. */
const STEP_TIMEOUT_MS = 15 * 60 * 1000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Mount points of the running system: never part of a layer. */
const SKIPPED_DIRS = new Set(['dev', 'proc', 'sys']);
/** The device nodes apt, dpkg and maintainer scripts open; made with mknod, so nothing is mounted. */
const DEVICES: ReadonlyArray<[name: string, major: number, minor: number]> = [
  ['null', 1, 3],
  ['zero', 1, 5],
  ['full', 1, 7],
  ['random', 1, 8],
  ['urandom', 1, 9],
  ['tty', 5, 0],
];
/** Keeps maintainer scripts from starting services (what Debian's docker images ship). */
const POLICY_RC_D = 'usr/sbin/policy-rc.d';
const CHROOT_ENV = ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'DEBIAN_FRONTEND=noninteractive', 'LC_ALL=C'];

export interface LayerStep {
  /** `created_by` of the layer's history entry. */
  createdBy: string;
  /** Commands run in the chroot, in order (argv arrays; no shell). */
  commands: string[][];
}

export interface DebianLayers {
  /** The debootstrap minbase tar (layer 0). */
  baseTar: string;
  /** One uncompressed tar per step, in order. */
  layerTars: string[];
  steps: LayerStep[];
}

interface Entry {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

async function run(cmd: string, args: readonly string[]): Promise<void> {
  try {
    await execFileAsync(cmd, [...args], { timeout: STEP_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    const detail = (e.stderr || e.stdout || e.message).trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${detail}`, { cause: err });
  }
}

/** Every entry below `root` except the contents of /dev, /proc and /sys, keyed by relative path. */
async function snapshot(root: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of await readdir(join(root, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const s = await lstat(join(root, path), { bigint: true });
      const type = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
      out.set(path, {
        type,
        mode: Number(s.mode & 0o7777n),
        uid: Number(s.uid),
        gid: Number(s.gid),
        size: s.size,
        mtimeNs: s.mtimeNs,
        ctimeNs: s.ctimeNs,
        ino: s.ino,
      });
      if (type === 'dir' && !(rel === '' && SKIPPED_DIRS.has(name))) await walk(path);
    }
  };
  await walk('');
  return out;
}

function changed(a: Entry | undefined, b: Entry): boolean {
  if (!a) return true;
  return (
    a.type !== b.type ||
    a.mode !== b.mode ||
    a.uid !== b.uid ||
    a.gid !== b.gid ||
    a.size !== b.size ||
    a.mtimeNs !== b.mtimeNs ||
    a.ctimeNs !== b.ctimeNs ||
    a.ino !== b.ino
  );
}

const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Paths of the layer: changed entries, deletions (topmost only) and the directories above them. */
function diffPaths(
  before: Map<string, Entry>,
  after: Map<string, Entry>,
): { upserts: string[]; deletions: string[] } {
  const upserts = new Set<string>();
  for (const [path, entry] of after)
    if (entry.type !== 'other' && changed(before.get(path), entry)) upserts.add(path);
  const deletions = [...before.keys()].filter(
    (p) => !after.has(p) && (parentOf(p) === '' || after.has(parentOf(p))),
  );
  for (const p of [...upserts, ...deletions]) {
    for (let dir = parentOf(p); dir !== ''; dir = parentOf(dir)) upserts.add(dir);
  }
  return { upserts: [...upserts].sort(), deletions: deletions.sort() };
}

async function toFileSpec(root: string, path: string, e: Entry): Promise<FileSpec> {
  const abs = join(root, path);
  const common = {
    path: `/${path}`,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    mtime: new Date(Number(e.mtimeNs / 1_000_000n)),
  };
  if (e.type === 'dir') return { ...common, type: 'dir' };
  if (e.type === 'symlink') return { ...common, type: 'symlink', target: await readlink(abs) };
  return { ...common, content: await readFile(abs) };
}

/** Writes the layer tar for the change from `before` to `after`. */
async function writeDiffTar(
  root: string,
  before: Map<string, Entry>,
  after: Map<string, Entry>,
  out: string,
): Promise<void> {
  const { upserts, deletions } = diffPaths(before, after);
  const files: FileSpec[] = [];
  for (const p of upserts) files.push(await toFileSpec(root, p, after.get(p)!));
  for (const p of deletions) files.push({ path: `/${p}`, type: 'whiteout' });
  await pipeline(layerTarStream(files), createWriteStream(out));
}

async function chroot(root: string, argv: readonly string[]): Promise<void> {
  await run('chroot', [root, '/usr/bin/env', '-i', ...CHROOT_ENV, ...argv]);
}

/** Device nodes and DNS for the chroot; nothing is mounted, so removing the tree is always safe. */
async function prepareChroot(root: string): Promise<void> {
  for (const [name, major, minor] of DEVICES) {
    const path = join(root, 'dev', name);
    if (!(await exists(path))) await run('mknod', ['-m', '666', path, 'c', String(major), String(minor)]);
  }
  // before the first snapshot, so never part of a layer; unlink first: the rootfs's resolv.conf could be a
  // symlink whose absolute target copyFile would follow onto the host
  if (await exists('/etc/resolv.conf')) {
    await rm(join(root, 'etc/resolv.conf'), { force: true });
    await copyFile('/etc/resolv.conf', join(root, 'etc/resolv.conf'));
  }
}

async function runStep(root: string, step: LayerStep): Promise<void> {
  await writeFile(join(root, POLICY_RC_D), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    for (const argv of step.commands) await chroot(root, argv);
  } finally {
    await unlink(join(root, POLICY_RC_D));
  }
}

async function build(cacheDir: string, steps: readonly LayerStep[]): Promise<void> {
  const work = await mkdtemp(`${cacheDir}.build-`);
  try {
    const root = join(work, 'rootfs');
    await debootstrapRootfs(root);
    await prepareChroot(root);
    let before = await snapshot(root);
    for (const [i, step] of steps.entries()) {
      await runStep(root, step);
      const after = await snapshot(root);
      await writeDiffTar(root, before, after, join(work, `layer${i + 1}.tar`));
      before = after;
    }
    await writeFile(join(work, 'steps.json'), JSON.stringify(steps, null, 2));
    await rm(root, { recursive: true, force: true });
    await rename(work, cacheDir);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Builds (or reuses from the cache) one layer per step on top of the debootstrap minbase rootfs.
 * Needs root; the Debian mirror is needed only when the cache is cold.
 */
export async function debianLayers(steps: readonly LayerStep[]): Promise<DebianLayers> {
  const cache = join(testEnvDir(), 'cache');
  await mkdir(cache, { recursive: true });
  // the base tar's own cache can be rebuilt (a new point release): its identity is part of the key
  const baseTar = await debootstrapTar();
  const base = await stat(baseTar);
  const key = createHash('sha256')
    .update(JSON.stringify({ v: LAYERS_CACHE_VERSION, steps, base: [base.size, base.mtimeMs] }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cache, `debian-layers-${key}`);
  const layerTars = steps.map((_, i) => join(dir, `layer${i + 1}.tar`));
  if (!(await exists(join(dir, 'steps.json')))) {
    await withLock(`${dir}.lock`, async () => {
      if (!(await exists(join(dir, 'steps.json')))) await build(dir, steps);
    });
  }
  return { baseTar, layerTars, steps: [...steps] };
}
