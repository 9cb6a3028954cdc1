/**
 * `docker-archive:PATH[:NAME|:@INDEX]`: the tarball written by `docker save` (plain or gzipped).
 * Classic archives hold `manifest.json` + `<id>/layer.tar`; Docker ≥ 25 writes an OCI layout beside the
 * same `manifest.json`, whose blobs it points at. Both are read through `manifest.json`, and every layer is
 * verified against the config's `rootfs.diff_ids` while it streams.
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { TarBlobStore, type BlobStore } from '../archive/blob-store.js';
import { parseImageConfig } from '../config.js';
import { computeDigest } from '../layer/digest.js';
import { attachHistory } from '../history.js';
import { familiarName, parseDockerReference } from '../ref.js';
import { parseManifest } from '../manifest.js';
import { assertDigest } from '../registry/digest.js';
import { blobPath, LOCAL_MISMATCH_HINT, readVerifiedBlob } from './oci-layout.js';
import type { Image, ImageSource, Layer, ResolveOptions } from '../types.js';

const ArchiveManifest = z.array(
  z
    .object({
      Config: z.string(),
      RepoTags: z.array(z.string()).nullish(),
      Layers: z.array(z.string()),
    })
    .passthrough(),
);
type ArchiveEntry = z.infer<typeof ArchiveManifest>[number];

async function readArchiveManifest(store: BlobStore, max: number): Promise<ArchiveEntry[]> {
  if (!(await store.has('manifest.json'))) {
    throw new AppError('IMAGE_ARCHIVE_CORRUPT', `${store.name}: not a docker-archive (no manifest.json)`, {
      hint: 'create it with "docker save IMAGE -o FILE"; for OCI archives use oci-archive:PATH',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse((await store.readSmall('manifest.json', max)).toString('utf8'));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('IMAGE_MANIFEST_INVALID', `${store.name}: manifest.json is not valid JSON`, {
      cause: err,
    });
  }
  const r = ArchiveManifest.safeParse(json);
  if (!r.success || r.data.length === 0) {
    throw new AppError(
      'IMAGE_MANIFEST_INVALID',
      `${store.name}: manifest.json has no images or an unexpected shape`,
    );
  }
  return r.data;
}

function sameName(tag: string, selector: string): boolean {
  try {
    const a = parseDockerReference(tag);
    const b = parseDockerReference(selector);
    return a.registry === b.registry && a.repository === b.repository && a.tag === b.tag;
  } catch {
    return tag === selector; // not a valid reference: compare literally
  }
}

function chooseEntry(entries: ArchiveEntry[], selector: string | undefined, name: string): ArchiveEntry {
  if (selector === undefined) {
    if (entries.length === 1) return entries[0]!;
    const names = entries.map((e, i) => e.RepoTags?.[0] ?? `@${i}`).join(', ');
    throw new AppError('IMAGE_AMBIGUOUS', `${name} holds ${entries.length} images (${names})`, {
      hint: `pick one with docker-archive:${name}:NAME or docker-archive:${name}:@INDEX`,
    });
  }
  const m = /^@(\d+)$/.exec(selector);
  const hit = m
    ? entries[Number(m[1])]
    : entries.find((e) => (e.RepoTags ?? []).some((t) => sameName(t, selector)));
  if (!hit) {
    const names = entries.flatMap((e) => e.RepoTags ?? []).join(', ') || 'untagged';
    throw new AppError('IMAGE_NOT_FOUND', `${name}: no image named "${selector}" (has: ${names})`);
  }
  return hit;
}

/** Docker ≥ 25 archives carry OCI manifests; find the one whose config matches to report a manifest digest. */
async function findManifestDigest(
  store: BlobStore,
  configDigest: string,
  max: number,
): Promise<{ digest: string; mediaType: string } | undefined> {
  if (!(await store.has('index.json'))) return undefined;
  const parsed = parseManifest(
    await store.readSmall('index.json', max),
    undefined,
    `${store.name}/index.json`,
  );
  if (parsed.kind !== 'index') return undefined;
  const from = `${store.name}/index.json`;
  for (const d of parsed.index.manifests) {
    if (!(await store.has(blobPath(d.digest, `${from}: manifest`)))) continue;
    const bytes = await readVerifiedBlob(store, d, max, 'manifest', from);
    const m = parseManifest(bytes, d.mediaType, `${store.name} ${d.digest}`);
    if (m.kind === 'manifest' && m.manifest.config.digest === configDigest)
      return { digest: d.digest, mediaType: d.mediaType };
  }
  return undefined;
}

/**
 * The digest a config's file name claims: `blobs/<algorithm>/<hex>` (Docker ≥ 25; any algorithm, so that
 * an unsupported one is rejected rather than skipped) or `<sha256 hex>.json` (classic archives);
 * undefined for any other name.
 */
function configNameDigest(path: string): string | undefined {
  const blob = /(?:^|\/)blobs\/([^/]+)\/([^/]+)$/.exec(path);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const classic = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(path);
  return classic ? `sha256:${classic[1]}` : undefined;
}

/** Builds the image from an opened archive; used by the daemon source on the `docker save` stream too. */
export async function resolveFromArchive(
  store: BlobStore,
  selector: string | undefined,
  opts: ResolveOptions,
  ref: string,
): Promise<Image> {
  const max = opts.limits.maxManifestBytes;
  const entry = chooseEntry(await readArchiveManifest(store, max), selector, store.name);
  const configBytes = await store.readSmall(entry.Config, max);
  const named = configNameDigest(entry.Config);
  if (named !== undefined) {
    assertDigest(configBytes, named, `${store.name}: config ${entry.Config}`, LOCAL_MISMATCH_HINT);
  }
  const configDigest = named ?? computeDigest(configBytes);
  const config = parseImageConfig(configBytes, `${ref} config`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== entry.Layers.length) {
    throw new AppError(
      'IMAGE_MANIFEST_INVALID',
      `${store.name}: manifest.json lists ${entry.Layers.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  }
  const layers: Layer[] = [];
  for (const [index, path] of entry.Layers.entries()) {
    const diffId = diffIds[index]!;
    const size = await store.size(path);
    layers.push({
      index,
      digest: diffId,
      diffId,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      size,
      verify: { digest: diffId, of: 'uncompressed' },
      open: () => Promise.resolve(store.open(path)),
    });
  }
  const emptyHistory = attachHistory(layers, config.history);
  const manifest = await findManifestDigest(store, configDigest, max);
  const repoTags = (entry.RepoTags ?? []).map((t) => {
    try {
      return familiarName(parseDockerReference(t));
    } catch {
      return t; // keep an odd tag as written rather than drop it
    }
  });
  return {
    ref,
    source: 'docker-archive',
    digest: manifest?.digest ?? configDigest,
    ...(manifest && { manifestMediaType: manifest.mediaType }),
    configDigest,
    config,
    platform: {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant !== undefined && { variant: config.variant }),
    },
    repoTags,
    repoDigests: [],
    layers,
    emptyHistory,
    close: () => store.close(),
  };
}

export const dockerArchiveSource = {
  kind: 'docker-archive',
  async resolve(location: string, opts: ResolveOptions, selector?: string): Promise<Image> {
    const store = await TarBlobStore.open(location, opts.limits, opts.tmpDir);
    const ref = `docker-archive:${location}${selector !== undefined ? `:${selector}` : ''}`;
    try {
      return await resolveFromArchive(store, selector, opts, ref);
    } catch (err) {
      await store.close();
      throw err;
    }
  },
} satisfies ImageSource;
