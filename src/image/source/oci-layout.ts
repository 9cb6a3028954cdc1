/**
 * `oci-layout:PATH[:TAG|@DIGEST]` and `oci-archive:PATH[:TAG|@DIGEST]`: OCI image layouts
 * (image-spec image-layout.md), as a directory or packed in a tar. Every blob is verified against its digest.
 */
import { AppError } from '../../errors.js';
import { type BlobStore, DirBlobStore, TarBlobStore } from '../archive/blob-store.js';
import { parseImageConfig } from '../config.js';
import { parseDigest } from '../layer/digest.js';
import { attachHistory } from '../history.js';
import { DEFAULT_PLATFORM, parseManifest, selectPlatform, type Index, type Manifest } from '../manifest.js';
import { assertDigest, UNSUPPORTED_DIGEST_HINT } from '../registry/digest.js';
import { isLayerMediaType } from '../registry/media-types.js';
import type { Descriptor, Image, ImageSource, Layer, ResolveOptions, SourceKind } from '../types.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';

/** A mismatch in a local layout or archive is corruption or tampering, not a transient fault. */
export const LOCAL_MISMATCH_HINT = 'the layout or archive is corrupt or was tampered with; re-create it';

/**
 * `blobs/<algorithm>/<hex>` of a digest we can verify (sha256, sha512). Any other algorithm, or a
 * malformed digest, is `IMAGE_MANIFEST_INVALID`; `where` names the file (and field) that referenced it.
 */
export function blobPath(digest: string, where: string): string {
  const d = parseDigest(digest);
  if (!d) {
    throw new AppError('IMAGE_MANIFEST_INVALID', `${where}: unsupported or malformed digest "${digest}"`, {
      hint: UNSUPPORTED_DIGEST_HINT,
    });
  }
  return `blobs/${d.algorithm}/${d.hex}`;
}

/**
 * Reads a small blob and verifies it against its digest with the digest's own algorithm
 * (`IMAGE_DIGEST_MISMATCH` naming the blob file). `from` names the file that referenced the blob; an
 * unsupported algorithm is rejected before anything is read.
 */
export async function readVerifiedBlob(
  store: BlobStore,
  desc: Pick<Descriptor, 'digest'>,
  max: number,
  what: string,
  from: string,
): Promise<Buffer> {
  const path = blobPath(desc.digest, `${from}: ${what}`);
  const bytes = await store.readSmall(path, max);
  assertDigest(bytes, desc.digest, `${store.name}/${path} (${what})`, LOCAL_MISMATCH_HINT);
  return bytes;
}

async function readIndex(store: BlobStore, max: number): Promise<Index> {
  if (!(await store.has('oci-layout'))) {
    throw new AppError(
      'IMAGE_ARCHIVE_CORRUPT',
      `${store.name}: not an OCI image layout (no oci-layout file)`,
    );
  }
  const layoutVersion = JSON.parse((await store.readSmall('oci-layout', 4096)).toString()) as {
    imageLayoutVersion?: string;
  };
  if (
    typeof layoutVersion.imageLayoutVersion !== 'string' ||
    !layoutVersion.imageLayoutVersion.startsWith('1.')
  ) {
    throw new AppError(
      'IMAGE_ARCHIVE_CORRUPT',
      `${store.name}: unsupported imageLayoutVersion ${String(layoutVersion.imageLayoutVersion)}`,
    );
  }
  const parsed = parseManifest(
    await store.readSmall('index.json', max),
    undefined,
    `${store.name}/index.json`,
  );
  if (parsed.kind !== 'index')
    throw new AppError('IMAGE_MANIFEST_INVALID', `${store.name}/index.json is not an image index`);
  return parsed.index;
}

function refName(d: Descriptor): string | undefined {
  return d.annotations?.[REF_NAME_ANNOTATION] ?? d.annotations?.[CONTAINERD_NAME_ANNOTATION];
}

/** Chooses the top-level descriptor for a selector (tag or `@digest`), or the only one. */
function chooseDescriptor(index: Index, selector: string | undefined, where: string): Descriptor | undefined {
  const all = index.manifests as Descriptor[];
  if (selector?.startsWith('@')) {
    const digest = selector.slice(1);
    const hit = all.find((d) => d.digest === digest);
    if (!hit) throw new AppError('IMAGE_NOT_FOUND', `${where}: no manifest with digest ${digest}`);
    return hit;
  }
  if (selector !== undefined) {
    const hit = all.find((d) => {
      const name = refName(d);
      return name === selector || (name !== undefined && name.endsWith(`:${selector}`));
    });
    if (!hit) {
      const tags = all.map(refName).filter(Boolean).join(', ') || 'none';
      throw new AppError('IMAGE_NOT_FOUND', `${where}: no image tagged "${selector}" (tags: ${tags})`);
    }
    return hit;
  }
  if (all.length === 1) return all[0];
  const named = new Set(all.map(refName).filter((n) => n !== undefined));
  if (named.size > 1) {
    throw new AppError('IMAGE_AMBIGUOUS', `${where} holds several images (${[...named].join(', ')})`, {
      hint: 'pick one with PATH:TAG or PATH@DIGEST',
    });
  }
  return undefined; // several platform manifests at the top level: select by platform
}

interface LayoutImageMeta {
  kind: SourceKind;
  ref: string;
  repoTags: string[];
}

/** Resolves the image chosen by `selector` inside a layout held by `store`. */
export async function resolveFromLayout(
  store: BlobStore,
  selector: string | undefined,
  opts: ResolveOptions,
  meta: LayoutImageMeta,
): Promise<Image> {
  const max = opts.limits.maxManifestBytes;
  const index = await readIndex(store, max);
  const want = opts.platform ?? DEFAULT_PLATFORM;
  let desc = chooseDescriptor(index, selector, store.name) ?? selectPlatform(index, want, store.name);
  let indexDigest: string | undefined;
  let from = `${store.name}/index.json`; // the file that references `desc`
  for (let depth = 0; ; depth++) {
    const bytes = await readVerifiedBlob(store, desc, max, 'manifest', from);
    const file = `${store.name}/${blobPath(desc.digest, from)}`;
    const parsed = parseManifest(bytes, desc.mediaType, `${store.name} manifest ${desc.digest}`);
    if (parsed.kind === 'manifest') {
      const tag = refName(desc) ?? selector;
      const repoTags = meta.repoTags.length > 0 ? meta.repoTags : tag && !tag.startsWith('@') ? [tag] : [];
      return imageFromManifest(store, parsed.manifest, desc, opts, {
        ...meta,
        repoTags,
        indexDigest,
        manifestFile: file,
      });
    }
    if (depth >= 4) throw new AppError('IMAGE_MANIFEST_INVALID', `${store.name}: indexes nested too deeply`);
    indexDigest ??= desc.digest;
    desc = selectPlatform(parsed.index, want, `${store.name} index ${desc.digest}`);
    from = file;
  }
}

async function imageFromManifest(
  store: BlobStore,
  manifest: Manifest,
  desc: Descriptor,
  opts: ResolveOptions,
  meta: LayoutImageMeta & { indexDigest: string | undefined; manifestFile: string },
): Promise<Image> {
  const where = `${meta.ref} (${desc.digest})`;
  const configBytes = await readVerifiedBlob(
    store,
    manifest.config,
    opts.limits.maxManifestBytes,
    'config',
    meta.manifestFile,
  );
  const config = parseImageConfig(configBytes, where);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new AppError(
      'IMAGE_MANIFEST_INVALID',
      `${where}: manifest has ${manifest.layers.length} layers but config lists ${diffIds.length} diff_ids`,
    );
  }
  const layers: Layer[] = manifest.layers.map((l, index) => {
    if (!isLayerMediaType(l.mediaType)) {
      throw new AppError(
        'IMAGE_MEDIA_TYPE_UNSUPPORTED',
        `${where}: layer ${index} has unsupported media type "${l.mediaType}"`,
      );
    }
    const path = blobPath(l.digest, `${meta.manifestFile}: layer ${index}`);
    return {
      index,
      digest: l.digest,
      diffId: diffIds[index]!,
      mediaType: l.mediaType,
      size: l.size,
      verify: { digest: l.digest, of: 'stored' },
      open: () => Promise.resolve(store.open(path)),
    };
  });
  const emptyHistory = attachHistory(layers, config.history);
  return {
    ref: meta.ref,
    source: meta.kind,
    digest: desc.digest,
    ...(meta.indexDigest !== undefined && { indexDigest: meta.indexDigest }),
    manifestMediaType: manifest.mediaType ?? desc.mediaType,
    configDigest: manifest.config.digest,
    config,
    platform: {
      os: config.os,
      architecture: config.architecture,
      ...(config.variant !== undefined && { variant: config.variant }),
    },
    repoTags: meta.repoTags,
    repoDigests: [],
    layers,
    emptyHistory,
    close: () => store.close(),
  };
}

export const ociLayoutSource = {
  kind: 'oci-layout',
  async resolve(location: string, opts: ResolveOptions, selector?: string): Promise<Image> {
    return resolveFromLayout(new DirBlobStore(location), selector, opts, {
      kind: 'oci-layout',
      ref: `oci-layout:${location}${selector ? (selector.startsWith('@') ? selector : `:${selector}`) : ''}`,
      repoTags: [],
    });
  },
} satisfies ImageSource;

export const ociArchiveSource = {
  kind: 'oci-archive',
  async resolve(location: string, opts: ResolveOptions, selector?: string): Promise<Image> {
    const store = await TarBlobStore.open(location, opts.limits, opts.tmpDir);
    try {
      return await resolveFromLayout(store, selector, opts, {
        kind: 'oci-archive',
        ref: `oci-archive:${location}${selector ? (selector.startsWith('@') ? selector : `:${selector}`) : ''}`,
        repoTags: [],
      });
    } catch (err) {
      await store.close();
      throw err;
    }
  },
} satisfies ImageSource;
