/**
 * `registry:REF` (or a bare reference): an image in an OCI distribution registry.
 *
 * Resolution reads only small documents: the manifest (via the index / manifest list when there is one),
 * then the config. Layers stay in the registry until the walker opens them, and then stream straight
 * from the HTTP body (or the blob store it redirects to).
 *
 * ref. https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pull
 */
import type { Readable } from 'node:stream';
import { AppError, isAppError } from '../../errors.js';
import { parseImageConfig } from '../config.js';
import { attachHistory } from '../history.js';
import { DEFAULT_PLATFORM, parseManifest, selectPlatform, type Manifest } from '../manifest.js';
import { familiarName, formatDockerReference, parseDockerReference, type DockerReference } from '../ref.js';
import { meterBlob } from '../registry/blob-stream.js';
import { createRegistryClient, type ManifestResponse, type RegistryClient } from '../registry/client.js';
import {
  isForeignLayer,
  isImageConfigMediaType,
  isLayerMediaType,
  manifestKind,
} from '../registry/media-types.js';
import type {
  Descriptor,
  Image,
  ImageConfig,
  ImageSource,
  Layer,
  Platform,
  ResolveOptions,
} from '../types.js';

export const registrySource = {
  kind: 'registry',
  async resolve(location: string, opts: ResolveOptions): Promise<Image> {
    const ref = parseDockerReference(location);
    const client = createRegistryClient(ref.registry, {
      ...opts.registry,
      maxManifestBytes: opts.limits.maxManifestBytes,
    });
    try {
      return await resolveImage(client, ref, opts);
    } catch (err) {
      await client.close();
      throw err;
    }
  },
} satisfies ImageSource;

/** The chosen manifest and, when it came from an index, that index's digest. */
interface Resolved {
  manifest: Manifest;
  response: ManifestResponse;
  indexDigest?: string;
}

async function resolveImage(
  client: RegistryClient,
  ref: DockerReference,
  opts: ResolveOptions,
): Promise<Image> {
  const where = formatDockerReference(ref);
  const resolved = await resolveManifest(client, ref, opts, where);
  const { manifest, response } = resolved;
  checkMediaTypes(manifest, where);
  const call = opts.signal !== undefined ? { signal: opts.signal } : {};
  const configBytes = await client.readBlob(
    ref.repository,
    manifest.config.digest,
    opts.limits.maxManifestBytes,
    call,
  );
  const config = parseImageConfig(configBytes, `${where} (config ${manifest.config.digest})`);
  const layers = buildLayers(client, ref, manifest, config, opts);
  const emptyHistory = attachHistory(layers, config.history);
  const pinned = resolved.indexDigest ?? response.digest;
  return {
    ref: `registry:${formatDockerReference(ref)}`,
    source: 'registry',
    digest: response.digest,
    ...(resolved.indexDigest !== undefined && { indexDigest: resolved.indexDigest }),
    manifestMediaType: manifest.mediaType ?? response.mediaType,
    configDigest: manifest.config.digest,
    config,
    platform: configPlatform(config),
    repoTags: ref.digest === undefined && ref.tag !== undefined ? [familiarName(ref)] : [],
    repoDigests: [`${ref.registry}/${ref.repository}@${pinned}`],
    layers,
    emptyHistory,
    close: () => client.close(),
  };
}

/**
 * Fetches what the reference names. An index is resolved to the manifest for the wanted platform, which is
 * fetched by digest (so its bytes are verified against the index entry). A plain manifest is taken as is:
 * `opts.platform` only chooses among the entries of an index (see {@link ResolveOptions.platform}).
 */
async function resolveManifest(
  client: RegistryClient,
  ref: DockerReference,
  opts: ResolveOptions,
  where: string,
): Promise<Resolved> {
  const call = opts.signal !== undefined ? { signal: opts.signal } : {};
  const top = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest', call);
  const parsed = parseManifest(top.bytes, declaredType(top), where);
  if (parsed.kind === 'manifest') {
    return { manifest: parsed.manifest, response: top };
  }
  const chosen = selectPlatform(parsed.index, opts.platform ?? DEFAULT_PLATFORM, where);
  if (manifestKind(chosen.mediaType) !== 'manifest') {
    throw new AppError(
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      `${where}: index entry ${chosen.digest} has media type "${chosen.mediaType}", not an image manifest`,
    );
  }
  const child = await client.getManifest(ref.repository, chosen.digest, call);
  const inner = parseManifest(child.bytes, declaredType(child), `${where} (manifest ${chosen.digest})`);
  if (inner.kind !== 'manifest') {
    throw new AppError(
      'IMAGE_MANIFEST_INVALID',
      `${where}: index entry ${chosen.digest} is itself an index; nested indexes are not supported`,
    );
  }
  return { manifest: inner.manifest, response: child, indexDigest: top.digest };
}

/** Only a specific `Content-Type` is trusted; generic ones (`application/json`) leave the body to decide. */
function declaredType(res: ManifestResponse): string | undefined {
  return res.mediaType.startsWith('application/vnd.') ? res.mediaType : undefined;
}

/**
 * Refuses artifacts that are not container images (Helm charts, signatures, SBOM attachments) before any
 * layer is opened: their "layers" are not tars.
 */
function checkMediaTypes(manifest: Manifest, where: string): void {
  if (!isImageConfigMediaType(manifest.config.mediaType)) {
    throw new AppError(
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      `${where}: config media type "${manifest.config.mediaType}" is not a container image config`,
      { hint: 'this reference is an OCI artifact, not an image; pass an image reference' },
    );
  }
  const odd = manifest.layers.find((l) => !isLayerMediaType(l.mediaType));
  if (odd !== undefined) {
    throw new AppError(
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      `${where}: layer ${odd.digest} has unsupported media type "${odd.mediaType}"`,
    );
  }
}

/** One {@link Layer} per manifest layer, paired with `rootfs.diff_ids` by position (image-spec config.md). */
function buildLayers(
  client: RegistryClient,
  ref: DockerReference,
  manifest: Manifest,
  config: ImageConfig,
  opts: ResolveOptions,
): Layer[] {
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw new AppError(
      'IMAGE_MANIFEST_INVALID',
      `${formatDockerReference(ref)}: manifest lists ${manifest.layers.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  }
  return manifest.layers.map((d, index): Layer => {
    const descriptor = d as Descriptor;
    return {
      index,
      digest: descriptor.digest,
      diffId: diffIds[index] ?? '',
      mediaType: descriptor.mediaType,
      size: descriptor.size,
      verify: { digest: descriptor.digest, of: 'stored' },
      open: (signal?: AbortSignal) => openLayer(client, ref, descriptor, opts, signal),
    };
  });
}

/**
 * Streams one layer blob. Foreign / non-distributable layers (Windows base layers) may be absent from the
 * registry; only then are their descriptor `urls` tried, in order, without registry credentials. Asking
 * the registry first keeps arbitrary URLs from an image out of the request path whenever possible.
 */
async function openLayer(
  client: RegistryClient,
  ref: DockerReference,
  d: Descriptor,
  opts: ResolveOptions,
  signal: AbortSignal | undefined,
): Promise<Readable> {
  const combined = combineSignals(opts.signal, signal);
  const call = combined !== undefined ? { signal: combined } : {};
  let body: Readable;
  try {
    body = (await client.getBlob(ref.repository, d.digest, call)).body;
  } catch (err) {
    const urls = (d.urls ?? []).filter((u) => /^https?:\/\//i.test(u));
    if (!isAppError(err, 'IMAGE_NOT_FOUND') || !isForeignLayer(d.mediaType) || urls.length === 0) throw err;
    body = await openForeign(client, ref, urls, call);
  }
  const onProgress = opts.onProgress;
  return meterBlob(body, {
    expectedSize: d.size,
    what: `layer ${d.digest} of ${ref.registry}/${ref.repository}`,
    ...(combined !== undefined && { signal: combined }),
    ...(onProgress !== undefined && {
      onProgress: (done: number, total: number | undefined) =>
        onProgress({ phase: 'pull', id: d.digest, done, ...(total !== undefined && { total }) }),
    }),
  });
}

async function openForeign(
  client: RegistryClient,
  ref: DockerReference,
  urls: string[],
  call: { signal?: AbortSignal },
): Promise<Readable> {
  let last: unknown;
  for (const url of urls) {
    try {
      return (await client.getUrl(url, ref.repository, call)).body;
    } catch (err) {
      // Keep trying the next mirror; the last failure is the one reported.
      last = err;
    }
  }
  throw last;
}

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}

function configPlatform(config: ImageConfig): Platform {
  return {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant !== undefined && config.variant !== '' && { variant: config.variant }),
  };
}
