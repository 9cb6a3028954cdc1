/**
 * Wrappers around the reference tools that tests use as ground truth for images built with
 * `build-image.ts`: skopeo (push), docker (load, create + export) and umoci (unpack). Each listing
 * has the same {@link FileListEntry} shape so that Corral's squashed view can be compared with both.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFile, lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { extract as tarExtract } from 'tar-stream';
import type { Header } from 'tar-stream';

const execFileAsync = promisify(execFile);
/** Outputs of `docker load` and friends are small; this only guards against runaway output. */
const MAX_TOOL_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Runs a tool; the error names the command and carries its stderr. */
export async function runTool(
  cmd: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(cmd, [...args], { maxBuffer: MAX_TOOL_OUTPUT_BYTES, encoding: 'utf8' });
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number | string };
    throw new Error(`${cmd} ${args.join(' ')} failed (${e.code}): ${e.stderr?.trim() || e.message}`, {
      cause: err,
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// skopeo

export interface PushOptions {
  /** Registry credentials; omit for anonymous registries. */
  creds?: { user: string; password: string };
  /** PEM CA file; copied into a temporary `--dest-cert-dir` as `ca.crt` (what skopeo reads). */
  caFile?: string;
  /** An existing cert dir (`*.crt` CAs), instead of `caFile`. */
  certDir?: string;
  /** false for plain-HTTP registries. Default true. */
  tlsVerify?: boolean;
  /** Manifest format to push (`v2s2` converts to Docker schema2). Default: keep every digest. */
  format?: 'oci' | 'v2s2';
  /** Copy every platform of an index (`--all`). Default true. */
  all?: boolean;
}

/**
 * Pushes `layoutDir:tag` to `destRef` (`127.0.0.1:PORT/repo:tag`, `docker://` optional) with
 * `skopeo copy`. Returns the pushed manifest digest as skopeo reports it.
 */
export async function pushToRegistry(
  layoutDir: string,
  tag: string,
  destRef: string,
  opts: PushOptions = {},
): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'corral-push-'));
  try {
    const args = ['--insecure-policy', 'copy', '--quiet', '--digestfile', join(tmp, 'digest')];
    if (opts.all ?? true) args.push('--all');
    if (opts.creds) args.push('--dest-creds', `${opts.creds.user}:${opts.creds.password}`);
    else args.push('--dest-no-creds');
    if (opts.caFile) {
      await copyFile(opts.caFile, join(tmp, 'ca.crt'));
      args.push('--dest-cert-dir', tmp);
    } else if (opts.certDir) {
      args.push('--dest-cert-dir', opts.certDir);
    }
    if (opts.tlsVerify === false) args.push('--dest-tls-verify=false');
    // Without a format change, push the blobs as built (skopeo would otherwise gzip plain layers).
    args.push(...(opts.format ? ['--format', opts.format] : ['--preserve-digests']));
    const dest = destRef.startsWith('docker://') ? destRef : `docker://${destRef}`;
    await runTool('skopeo', [...args, `oci:${layoutDir}:${tag}`, dest]);
    return (await readFile(join(tmp, 'digest'), 'utf8')).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// File listings

export type FileListType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

/** One filesystem entry of a (squashed) image root. */
export interface FileListEntry {
  /** Absolute, normalised: `/a/b` (no trailing slash, no `./`). */
  path: string;
  type: FileListType;
  /** Bytes for regular files, 0 otherwise. */
  size: number;
  /** Symlink target verbatim; for hardlinks the absolute path of the first link seen. */
  linkTarget?: string;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
}

/** `./a/b/`, `a/b`, `/a/b` → `/a/b`. */
export function normalisePath(name: string): string {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return `/${parts.join('/')}`;
}

const byPath = (a: FileListEntry, b: FileListEntry): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/** Paths Docker's init layer creates in every container (moby `daemon/initlayer`). */
const DOCKER_INIT_FILES = new Set([
  '/.dockerenv',
  '/etc/hostname',
  '/etc/hosts',
  '/etc/resolv.conf',
  '/etc/mtab',
]);
/** Mount points (and everything below them) that Docker always provides. */
const DOCKER_MOUNT_DIRS = ['/dev', '/proc', '/sys'];

/**
 * Drops what Docker adds to every container, so that `docker export` listings compare with image
 * contents. Apply it to BOTH sides of a comparison:
 * - `/.dockerenv`, `/etc/hostname`, `/etc/hosts`, `/etc/resolv.conf`, `/etc/mtab` (even when the image
 *   has its own: the container's version cannot be told apart);
 * - `/dev`, `/proc`, `/sys` and everything below them;
 * - `/etc` itself when nothing else is left in it (Docker creates it for the files above).
 */
export function dropDockerInjected(entries: readonly FileListEntry[]): FileListEntry[] {
  const kept = entries.filter(
    (e) =>
      !DOCKER_INIT_FILES.has(e.path) &&
      !DOCKER_MOUNT_DIRS.some((d) => e.path === d || e.path.startsWith(`${d}/`)),
  );
  const etcUsed = kept.some((e) => e.path.startsWith('/etc/'));
  return etcUsed ? kept : kept.filter((e) => e.path !== '/etc');
}

function entryType(tarType: Header['type']): FileListType {
  switch (tarType) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    case 'block-device':
    case 'character-device':
    case 'fifo':
      return 'other';
  }
}

/** Lists a tar stream (no whiteout processing: the stream is assumed to be a flattened root). */
export async function listTarStream(stream: Readable): Promise<FileListEntry[]> {
  const out: FileListEntry[] = [];
  const extract = tarExtract();
  stream.pipe(extract);
  for await (const entry of extract) {
    const h = entry.header;
    const path = normalisePath(h.name);
    const type = entryType(h.type);
    if (path !== '/') {
      out.push({
        path,
        type,
        size: type === 'file' ? h.size : 0,
        ...(type === 'symlink' ? { linkTarget: h.linkname } : {}),
        ...(type === 'hardlink' ? { linkTarget: normalisePath(h.linkname) } : {}),
        mode: h.mode & 0o7777,
        uid: h.uid,
        gid: h.gid,
      });
    }
    entry.resume();
  }
  return out.sort(byPath);
}

// ---------------------------------------------------------------------------------------------------
// docker

/** `docker load -i`; returns what docker reports (`repo:tag` names, or `sha256:…` IDs for untagged). */
export async function dockerLoad(host: string, archivePath: string): Promise<string[]> {
  const { stdout } = await runTool('docker', ['-H', host, 'load', '-q', '-i', archivePath]);
  return stdout
    .split('\n')
    .map((l) => /^Loaded image(?: ID)?: (.+)$/.exec(l.trim())?.[1])
    .filter((x): x is string => x !== undefined);
}

/**
 * The root filesystem Docker builds for `imageRef`: `docker create --network none`, `docker export`,
 * list, remove the container. Docker's own additions are dropped with {@link dropDockerInjected}
 * unless `keepDockerInjected`.
 */
export async function dockerExportFileList(
  host: string,
  imageRef: string,
  opts: { keepDockerInjected?: boolean } = {},
): Promise<FileListEntry[]> {
  // The entrypoint is never run; it only lets images without Cmd/Entrypoint be created.
  const { stdout } = await runTool('docker', [
    '-H',
    host,
    'create',
    '--network',
    'none',
    '--entrypoint',
    '/corral-test-never-run',
    imageRef,
  ]);
  const id = stdout.trim();
  try {
    const child = spawn('docker', ['-H', host, 'export', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`docker export failed: ${stderr}`)),
      );
    });
    const [entries] = await Promise.all([listTarStream(child.stdout), exited]);
    return opts.keepDockerInjected ? entries : dropDockerInjected(entries);
  } finally {
    await runTool('docker', ['-H', host, 'rm', '-f', id]);
  }
}

// ---------------------------------------------------------------------------------------------------
// umoci

/**
 * Walks a directory with lstat, in Go `filepath.Walk` order (names sorted bytewise, depth first) so
 * that hardlinks resolve to the same first path as in `docker export`.
 */
export async function walkFileList(root: string): Promise<FileListEntry[]> {
  const out: FileListEntry[] = [];
  const inodes = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const relPath = `${rel}/${name}`;
      const full = join(root, relPath);
      const st = await lstat(full);
      const common = { path: relPath, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      if (st.isDirectory()) {
        out.push({ ...common, type: 'dir', size: 0 });
        await walk(relPath);
      } else if (st.isSymbolicLink()) {
        out.push({ ...common, type: 'symlink', size: 0, linkTarget: await readlink(full) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? inodes.get(key) : undefined;
        if (first !== undefined) {
          out.push({ ...common, type: 'hardlink', size: 0, linkTarget: first });
        } else {
          if (st.nlink > 1) inodes.set(key, relPath);
          out.push({ ...common, type: 'file', size: st.size });
        }
      } else {
        out.push({ ...common, type: 'other', size: 0 });
      }
    }
  };
  await walk('');
  return out.sort(byPath);
}

interface LayoutIndex {
  manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
}

/** The layer media types of the manifest tagged `tag` (empty for an image index). */
async function layerMediaTypes(layoutDir: string, tag: string): Promise<string[]> {
  const blob = async (digest: string): Promise<unknown> =>
    JSON.parse(await readFile(join(layoutDir, 'blobs', ...digest.split(':')), 'utf8'));
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as LayoutIndex;
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!entry) throw new Error(`${layoutDir}: no manifest tagged ${tag}`);
  const manifest = (await blob(entry.digest)) as { layers?: Array<{ mediaType: string }> };
  return (manifest.layers ?? []).map((l) => l.mediaType);
}

/**
 * `umoci unpack --image DIR:TAG` into a temporary bundle, then {@link walkFileList} of its rootfs.
 * umoci 0.4 cannot read zstd layers: such images are first recompressed to gzip with skopeo (same
 * diff_ids, so the same filesystem).
 */
export async function umociUnpackFileList(layoutDir: string, tag: string): Promise<FileListEntry[]> {
  const tmp = await mkdtemp(join(tmpdir(), 'corral-umoci-'));
  try {
    const bundle = join(tmp, 'bundle');
    let source = layoutDir;
    if ((await layerMediaTypes(layoutDir, tag)).some((t) => t.endsWith('+zstd'))) {
      source = join(tmp, 'gzip-layout');
      const args = ['--insecure-policy', 'copy', '--quiet', '--dest-compress-format', 'gzip'];
      await runTool('skopeo', [...args, `oci:${layoutDir}:${tag}`, `oci:${source}:${tag}`]);
    }
    const rootless = process.getuid?.() !== 0 ? ['--rootless'] : [];
    await runTool('umoci', ['unpack', ...rootless, '--image', `${source}:${tag}`, bundle]);
    return await walkFileList(join(bundle, 'rootfs'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
