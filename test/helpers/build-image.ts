/**
 * Builds REAL container images from a spec written in the test, without `docker build`: OCI image
 * layouts (single- or multi-platform), classic `docker save` archives and OCI archives. Layers are tar
 * streams made with tar-stream, compressed with zlib (gzip) or the `zstd` CLI.
 *
 * Output is deterministic (fixed default mtimes and `created`), so digests are stable across runs.
 * The tools that read these images for cross-checking (skopeo, umoci, docker) are in `image-tools.ts`,
 * re-exported here.
 *
 * refs: https://github.com/opencontainers/image-spec/blob/main/image-layout.md,
 * https://github.com/opencontainers/image-spec/blob/main/layer.md (whiteouts),
 * https://github.com/moby/moby/blob/master/image/spec/v1.2.md (docker save layout)
 *
 * @example
 * const image = await buildOciLayout(dir, {
 *   tag: 'v1',
 *   layers: [
 *     { files: [{ path: '/etc/', type: 'dir' }, { path: '/etc/os-release', content: 'ID=alpine\n' }] },
 *     { emptyLayer: true, createdBy: 'ENV A=1' },
 *     { files: [{ path: '/etc/os-release', type: 'whiteout' }], compression: 'zstd' },
 *   ],
 * });
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import type { Header } from 'tar-stream';

export * from './image-tools.js';
export { debootstrapRootfs } from './debootstrap.js';

export type FileType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout' | 'opaque';

/** One tar entry of a layer. */
export interface FileSpec {
  /**
   * Path in the image. A leading '/' is dropped in the tar (`/etc/x` → `etc/x`); any other spelling
   * (`./etc/x`, `../evil`) is written verbatim so tests can build hostile layers. Directories get a
   * trailing '/'. Parent directories are NOT added implicitly: list them when the test needs them.
   */
  path: string;
  content?: string | Buffer;
  /** Permission bits; default 0o644 (file), 0o755 (dir), 0o777 (symlink). */
  mode?: number;
  /** Default `file`. `whiteout` writes `DIR/.wh.NAME` for `path`; `opaque` writes `path/.wh..wh..opq`. */
  type?: FileType;
  /** Symlink target (verbatim) or hardlink target (an image path, written without the leading '/'). */
  target?: string;
  uid?: number;
  gid?: number;
  /** A Date or seconds since the epoch; default {@link DEFAULT_MTIME}. */
  mtime?: Date | number;
}

export type Compression = 'gzip' | 'zstd' | 'none';

/** A layer made from file specs. */
export interface LayerSpec {
  files: FileSpec[];
  /** `created_by` of its history entry. */
  createdBy?: string;
  /** Default `gzip`. Ignored by {@link buildDockerArchive} (classic `layer.tar` is uncompressed). */
  compression?: Compression;
}

/** A layer whose uncompressed tar already exists (e.g. a debootstrap rootfs); streamed, not buffered. */
export interface TarLayerSpec {
  tarFile: string;
  createdBy?: string;
  compression?: Compression;
}

/** A history entry with `empty_layer: true` (an `ENV`/`CMD` step): no blob, no diff_id. */
export interface EmptyLayerSpec {
  emptyLayer: true;
  createdBy?: string;
}

export type LayerEntry = LayerSpec | TarLayerSpec | EmptyLayerSpec;

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The OCI image config (image-spec config.md); `rootfs` is always computed from the layers. */
export interface OciImageConfig {
  created: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config: {
    User?: string;
    ExposedPorts?: Record<string, object>;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    Volumes?: Record<string, object>;
    WorkingDir?: string;
    Labels?: Record<string, string>;
    StopSignal?: string;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  /** Computed from the layer entries unless given (then written verbatim, e.g. to test mismatches). */
  history: HistoryEntry[];
}

export type ConfigOverrides = Partial<Omit<OciImageConfig, 'config'>> & {
  config?: OciImageConfig['config'];
};

/** One platform of a multi-platform image; `layers`/`config` override the image-wide ones. */
export interface PlatformSpec extends Platform {
  layers?: LayerEntry[];
  config?: ConfigOverrides;
}

export interface ImageSpec {
  layers: LayerEntry[];
  config?: ConfigOverrides;
  /** `org.opencontainers.image.ref.name` in index.json; default `latest`. */
  tag?: string;
  /** Several → an image index; one → a single manifest for it; none → linux/amd64. */
  platforms?: PlatformSpec[];
  /** `docker` writes Docker schema2 media types (no zstd). Default `oci`. */
  mediaTypes?: 'oci' | 'docker';
  /** Manifest annotations. */
  annotations?: Record<string, string>;
}

export interface BuiltLayer {
  /** Blob digest (of the compressed bytes). */
  digest: string;
  /** sha256 of the uncompressed tar (`rootfs.diff_ids`). */
  diffId: string;
  size: number;
  mediaType: string;
}

export interface BuiltManifest {
  platform: Platform;
  digest: string;
  size: number;
  mediaType: string;
  configDigest: string;
  config: OciImageConfig;
  layers: BuiltLayer[];
}

export interface BuiltImage {
  dir: string;
  tag: string;
  /** What the tag points to: the manifest, or the index for multi-platform images. */
  digest: string;
  mediaType: string;
  manifests: BuiltManifest[];
}

/** 2024-01-01T00:00:00Z: the default mtime and `created`, so that digests are reproducible. */
export const DEFAULT_MTIME = new Date('2024-01-01T00:00:00Z');
const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };
const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
const REF_NAME = 'org.opencontainers.image.ref.name';

const MEDIA_TYPES = {
  oci: {
    index: 'application/vnd.oci.image.index.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: {
      none: 'application/vnd.oci.image.layer.v1.tar',
      gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
      zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    },
  },
  docker: {
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: {
      none: 'application/vnd.docker.image.rootfs.diff.tar',
      gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      zstd: undefined,
    },
  },
} as const;

// ---------------------------------------------------------------------------------------------------
// Layers

/** A tar-stream header as passed to `pack.entry()`. */
export type TarHeader = Partial<Header> & Pick<Header, 'name'>;

const isEmptyLayer = (l: LayerEntry): l is EmptyLayerSpec => 'emptyLayer' in l;

function toTarName(path: string, isDir: boolean): string {
  const name = path.startsWith('/') ? path.replace(/^\/+/, '') : path;
  if (isDir && !name.endsWith('/')) return `${name}/`;
  return name;
}

function splitPath(path: string): { parent: string; base: string } {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return { parent: slash < 0 ? '' : trimmed.slice(0, slash + 1), base: trimmed.slice(slash + 1) };
}

/**
 * The tar header and body for one file spec (whiteouts become marker files). A hardlink's default
 * mode is `linkedMode` (its target's), as real tars write it: extractors differ on whether a link
 * entry's mode is applied to the shared inode (docker does, umoci does not).
 */
export function tarEntryFor(f: FileSpec, linkedMode?: number): { header: TarHeader; body: Buffer } {
  const type = f.type ?? (f.path.endsWith('/') ? 'dir' : 'file');
  const mtime =
    f.mtime === undefined ? DEFAULT_MTIME : typeof f.mtime === 'number' ? new Date(f.mtime * 1000) : f.mtime;
  const common = { uid: f.uid ?? 0, gid: f.gid ?? 0, mtime };
  const empty = Buffer.alloc(0);
  switch (type) {
    case 'file': {
      const body = Buffer.from(f.content ?? '');
      return {
        header: {
          ...common,
          name: toTarName(f.path, false),
          type: 'file',
          mode: f.mode ?? 0o644,
          size: body.length,
        },
        body,
      };
    }
    case 'dir':
      return {
        header: { ...common, name: toTarName(f.path, true), type: 'directory', mode: f.mode ?? 0o755 },
        body: empty,
      };
    case 'symlink':
      return {
        header: {
          ...common,
          name: toTarName(f.path, false),
          type: 'symlink',
          mode: f.mode ?? 0o777,
          linkname: requireTarget(f),
        },
        body: empty,
      };
    case 'hardlink':
      return {
        header: {
          ...common,
          name: toTarName(f.path, false),
          type: 'link',
          mode: f.mode ?? linkedMode ?? 0o644,
          linkname: toTarName(requireTarget(f), false),
        },
        body: empty,
      };
    case 'whiteout': {
      const { parent, base } = splitPath(toTarName(f.path, false));
      return {
        header: { ...common, name: `${parent}.wh.${base}`, type: 'file', mode: f.mode ?? 0o644, size: 0 },
        body: empty,
      };
    }
    case 'opaque':
      return {
        header: {
          ...common,
          name: `${toTarName(f.path, true)}.wh..wh..opq`,
          type: 'file',
          mode: f.mode ?? 0o644,
          size: 0,
        },
        body: empty,
      };
  }
}

const normaliseSpecPath = (p: string): string => p.replace(/^\/+/, '').replace(/\/+$/, '');

function requireTarget(f: FileSpec): string {
  if (f.target === undefined) throw new Error(`FileSpec ${f.path}: type ${f.type} needs a target`);
  return f.target;
}

/** An uncompressed tar stream of the layer's files, in the order given. */
export function layerTarStream(files: readonly FileSpec[]): Readable {
  const pack = tarPack();
  const modes = new Map<string, number>();
  for (const f of files) {
    const { header, body } = tarEntryFor(
      f,
      f.target === undefined ? undefined : modes.get(normaliseSpecPath(f.target)),
    );
    if (header.mode !== undefined) modes.set(normaliseSpecPath(f.path), header.mode);
    pack.entry(header, body);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

/** A pass-through that hashes (sha256) and counts what flows through it. */
function digester(): Transform & { digest(): string; size(): number } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  let hex: string | undefined;
  return Object.assign(t, {
    digest: () => `sha256:${(hex ??= hash.digest('hex'))}`,
    size: () => size,
  });
}

/** Pipes `src` through the `zstd` CLI into `dest`. */
async function zstdCompress(src: Readable, dest: Writable): Promise<void> {
  const child = spawn('zstd', ['-q', '-c', '-3', '--no-progress'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`zstd exited ${code}: ${stderr}`)),
    );
  });
  await Promise.all([pipeline(src, child.stdin), pipeline(child.stdout, dest), exited]);
}

async function writeBlobFile(blobsDir: string, tmpFile: string, digest: string): Promise<string> {
  const target = join(blobsDir, digest.replace('sha256:', ''));
  await rename(tmpFile, target);
  return target;
}

/**
 * Writes one layer blob into `blobsDir` (blobs/sha256), streaming: tar → diff_id hash → compressor →
 * blob hash → file.
 */
export async function writeLayerBlob(
  blobsDir: string,
  layer: LayerSpec | TarLayerSpec,
  mediaTypes: 'oci' | 'docker' = 'oci',
): Promise<BuiltLayer> {
  const compression = layer.compression ?? 'gzip';
  const mediaType = MEDIA_TYPES[mediaTypes].layer[compression];
  if (mediaType === undefined) throw new Error(`docker media types have no ${compression} layer type`);
  await mkdir(blobsDir, { recursive: true });
  const tmp = join(blobsDir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const source = 'tarFile' in layer ? createReadStream(layer.tarFile) : layerTarStream(layer.files);
  const diff = digester();
  const blob = digester();
  const out = createWriteStream(tmp);
  try {
    if (compression === 'zstd') {
      const compressed = new PassThrough();
      await Promise.all([zstdCompress(source.pipe(diff), compressed), pipeline(compressed, blob, out)]);
    } else if (compression === 'gzip') {
      await pipeline(source, diff, createGzip(), blob, out);
    } else {
      await pipeline(source, diff, blob, out);
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await writeBlobFile(blobsDir, tmp, blob.digest());
  return { digest: blob.digest(), diffId: diff.digest(), size: blob.size(), mediaType };
}

// ---------------------------------------------------------------------------------------------------
// Configs and manifests

function buildConfig(
  platform: Platform,
  layers: readonly LayerEntry[],
  diffIds: string[],
  overrides: ConfigOverrides | undefined,
): OciImageConfig {
  const created = overrides?.created ?? DEFAULT_MTIME.toISOString();
  const history: HistoryEntry[] = layers.map((l) => ({
    created,
    created_by:
      l.createdBy ?? (isEmptyLayer(l) ? '/bin/sh -c #(nop) ENV CORRAL=1' : '/bin/sh -c #(nop) ADD files'),
    ...(isEmptyLayer(l) ? { empty_layer: true } : {}),
  }));
  const { config: runConfig, ...rest } = overrides ?? {};
  return {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    ...rest,
    config: { Env: DEFAULT_ENV, ...runConfig },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: overrides?.history ?? history,
  };
}

/** Writes JSON as a blob; returns its descriptor parts. */
async function writeJsonBlob(blobsDir: string, value: unknown): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await mkdir(blobsDir, { recursive: true });
  await writeFile(join(blobsDir, digest.slice('sha256:'.length)), bytes);
  return { digest, size: bytes.length };
}

async function writeImageManifest(
  blobsDir: string,
  platform: Platform,
  layers: readonly LayerEntry[],
  configOverrides: ConfigOverrides | undefined,
  spec: ImageSpec,
): Promise<BuiltManifest> {
  const types = MEDIA_TYPES[spec.mediaTypes ?? 'oci'];
  const built: BuiltLayer[] = [];
  for (const layer of layers) {
    if (!isEmptyLayer(layer)) built.push(await writeLayerBlob(blobsDir, layer, spec.mediaTypes));
  }
  const config = buildConfig(
    platform,
    layers,
    built.map((l) => l.diffId),
    configOverrides,
  );
  const configBlob = await writeJsonBlob(blobsDir, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: { mediaType: types.config, ...configBlob },
    layers: built.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifestBlob = await writeJsonBlob(blobsDir, manifest);
  return {
    platform,
    ...manifestBlob,
    mediaType: types.manifest,
    configDigest: configBlob.digest,
    config,
    layers: built,
  };
}

const platformOf = (p: Platform): Platform => ({
  os: p.os,
  architecture: p.architecture,
  ...(p.variant ? { variant: p.variant } : {}),
});

interface IndexJson {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Array<{
    mediaType: string;
    digest: string;
    size: number;
    platform?: Platform;
    annotations?: Record<string, string>;
  }>;
}

/** Adds (or replaces) the tagged entry of `dir/index.json`, keeping other tags. */
async function tagInIndex(dir: string, entry: IndexJson['manifests'][number], tag: string): Promise<void> {
  let index: IndexJson = { schemaVersion: 2, mediaType: MEDIA_TYPES.oci.index, manifests: [] };
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexJson;
  } catch (err) {
    // A new layout has no index.json yet; anything else is a real problem.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  index.manifests = index.manifests.filter((m) => m.annotations?.[REF_NAME] !== tag);
  index.manifests.push({ ...entry, annotations: { ...entry.annotations, [REF_NAME]: tag } });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

/**
 * Writes (or adds a tag to) an OCI image layout at `dir`: `oci-layout`, `index.json` with
 * `org.opencontainers.image.ref.name`, `blobs/sha256/*`. Several platforms produce an image index
 * (the tag points to it) whose manifests carry `platform`.
 */
export async function buildOciLayout(dir: string, spec: ImageSpec): Promise<BuiltImage> {
  const tag = spec.tag ?? 'latest';
  const types = MEDIA_TYPES[spec.mediaTypes ?? 'oci'];
  const blobsDir = join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const platforms: PlatformSpec[] = spec.platforms?.length ? spec.platforms : [DEFAULT_PLATFORM];
  const manifests: BuiltManifest[] = [];
  for (const p of platforms) {
    const config = p.config || spec.config ? { ...spec.config, ...p.config } : undefined;
    manifests.push(await writeImageManifest(blobsDir, platformOf(p), p.layers ?? spec.layers, config, spec));
  }
  if (manifests.length === 1) {
    const m = manifests[0]!;
    await tagInIndex(
      dir,
      { mediaType: m.mediaType, digest: m.digest, size: m.size, platform: m.platform },
      tag,
    );
    return { dir, tag, digest: m.digest, mediaType: m.mediaType, manifests };
  }
  const index = {
    schemaVersion: 2,
    mediaType: types.index,
    manifests: manifests.map((m) => ({
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size,
      platform: m.platform,
    })),
  };
  const indexBlob = await writeJsonBlob(blobsDir, index);
  await tagInIndex(dir, { mediaType: types.index, ...indexBlob }, tag);
  return { dir, tag, digest: indexBlob.digest, mediaType: types.index, manifests };
}

// ---------------------------------------------------------------------------------------------------
// Archives

/** Streams `entries` (name → file on disk, or bytes) into a tar at `file`, optionally gzipped. */
async function writeTar(
  file: string,
  entries: Array<{ name: string; file?: string; bytes?: Buffer; dir?: boolean }>,
  gzip = false,
): Promise<void> {
  const pack = tarPack();
  const done = gzip
    ? pipeline(pack as unknown as Readable, createGzip(), createWriteStream(file))
    : pipeline(pack as unknown as Readable, createWriteStream(file));
  for (const e of entries) {
    const common = { name: e.name, mtime: DEFAULT_MTIME, uid: 0, gid: 0 };
    if (e.dir) {
      pack.entry({ ...common, type: 'directory', mode: 0o755 });
    } else if (e.bytes) {
      pack.entry({ ...common, type: 'file', mode: 0o644 }, e.bytes);
    } else if (e.file) {
      const { size } = await stat(e.file);
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...common, type: 'file', mode: 0o644, size }, (err) =>
          err ? reject(err) : resolve(),
        );
        createReadStream(e.file!)
          .on('error', reject)
          .pipe(sink as unknown as Writable);
      });
    }
  }
  pack.finalize();
  await done;
}

async function listFilesRecursive(root: string, rel = ''): Promise<Array<{ name: string; dir: boolean }>> {
  const out: Array<{ name: string; dir: boolean }> = [];
  const names = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const d of names) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) {
      out.push({ name: `${name}/`, dir: true }, ...(await listFilesRecursive(root, name)));
    } else {
      out.push({ name, dir: false });
    }
  }
  return out;
}

/** Packs an OCI layout directory into an OCI archive (the `oci-archive:` transport's format). */
export async function ociLayoutToArchive(dir: string, tarFile: string): Promise<void> {
  const files = await listFilesRecursive(dir);
  const first = (n: string): number => (n === 'oci-layout' ? 0 : n === 'index.json' ? 1 : 2);
  files.sort((a, b) => first(a.name) - first(b.name));
  await mkdir(dirname(tarFile), { recursive: true });
  await writeTar(
    tarFile,
    files.map((f) => (f.dir ? { name: f.name, dir: true } : { name: f.name, file: join(dir, f.name) })),
  );
}

export interface DockerArchiveImage {
  layers: LayerEntry[];
  config?: ConfigOverrides;
  platform?: Platform;
  /** `RepoTags` in manifest.json and the `repositories` file, e.g. `['example.com/app:1.0']`. */
  repoTags?: string[];
}

export interface BuiltDockerArchive {
  file: string;
  images: Array<{ configDigest: string; repoTags: string[]; layers: Array<{ id: string; diffId: string }> }>;
}

function splitRepoTag(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}

/**
 * Writes a classic `docker save` tarball (pre-Docker-25 layout): `<id>/{VERSION,json,layer.tar}`,
 * `<config-hex>.json`, `manifest.json` (`Config`, `RepoTags`, `Layers`) and `repositories`. Several
 * images share identical layers. `layer.tar` is always uncompressed; `gzip` compresses the whole file.
 */
export async function buildDockerArchive(
  file: string,
  images: DockerArchiveImage | DockerArchiveImage[],
  opts: { gzip?: boolean } = {},
): Promise<BuiltDockerArchive> {
  const list = Array.isArray(images) ? images : [images];
  const work = await mkdtemp(join(dirname(file), '.docker-archive-'));
  try {
    const entries: Array<{ name: string; file?: string; bytes?: Buffer; dir?: boolean }> = [];
    const seen = new Set<string>();
    const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
    const repositories: Record<string, Record<string, string>> = {};
    const result: BuiltDockerArchive = { file, images: [] };
    for (const image of list) {
      const layers: Array<{ id: string; diffId: string }> = [];
      let parent = '';
      for (const layer of image.layers) {
        if (isEmptyLayer(layer)) continue;
        const built = await writeLayerBlob(work, { ...layer, compression: 'none' });
        // v1 layer IDs identify a layer *and its parents* (a chain), like docker's v1 IDs.
        const id = createHash('sha256').update(`${parent} ${built.diffId}`).digest('hex');
        if (!seen.has(id)) {
          seen.add(id);
          const v1 = {
            id,
            ...(parent ? { parent } : {}),
            created: DEFAULT_MTIME.toISOString(),
            container_config: {},
          };
          entries.push(
            { name: `${id}/`, dir: true },
            { name: `${id}/VERSION`, bytes: Buffer.from('1.0') },
            { name: `${id}/json`, bytes: Buffer.from(JSON.stringify(v1)) },
            { name: `${id}/layer.tar`, file: join(work, built.digest.slice('sha256:'.length)) },
          );
        }
        layers.push({ id, diffId: built.diffId });
        parent = id;
      }
      const config = buildConfig(
        image.platform ?? DEFAULT_PLATFORM,
        image.layers,
        layers.map((l) => l.diffId),
        image.config,
      );
      const configBytes = Buffer.from(JSON.stringify(config));
      const configHex = createHash('sha256').update(configBytes).digest('hex');
      if (!seen.has(configHex)) {
        seen.add(configHex);
        entries.push({ name: `${configHex}.json`, bytes: configBytes });
      }
      const repoTags = image.repoTags ?? [];
      manifest.push({
        Config: `${configHex}.json`,
        RepoTags: repoTags.length ? repoTags : null,
        Layers: layers.map((l) => `${l.id}/layer.tar`),
      });
      for (const ref of repoTags) {
        const { repo, tag } = splitRepoTag(ref);
        (repositories[repo] ??= {})[tag] = parent;
      }
      result.images.push({ configDigest: `sha256:${configHex}`, repoTags, layers });
    }
    entries.push({ name: 'manifest.json', bytes: Buffer.from(JSON.stringify(manifest)) });
    if (Object.keys(repositories).length > 0) {
      entries.push({ name: 'repositories', bytes: Buffer.from(JSON.stringify(repositories)) });
    }
    await writeTar(file, entries, opts.gzip);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Convenience: a stream of an in-memory layer, for tests of tar walkers that take a Readable. */
export function layerTarBuffer(files: readonly FileSpec[]): Promise<Buffer> {
  return Readable.from(layerTarStream(files))
    .toArray()
    .then((chunks) => Buffer.concat(chunks as Buffer[]));
}
