/**
 * Reading and writing cosign signature/attestation images (`sha256-<hex>.sig|.att`) in a registry,
 * through the registry client of `image/`.
 */
import { AppError, isAppError } from '../../errors.js';
import { parseDockerReference, type DockerReference } from '../../image/ref.js';
import { createRegistryClient, type RegistryClient } from '../../image/registry/client.js';
import { OCI_MANIFEST } from '../../image/registry/media-types.js';
import type { RegistryOptions } from '../../image/types.js';
import {
  cosignTag,
  descriptorOf,
  parseSignatureManifest,
  signatureManifest,
  type ArtifactKind,
  type OciDescriptor,
} from './layout.js';

/** Largest signature/attestation layer read (an SBOM predicate can be a few MiB). */
export const MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
/** Most layers read from one `.sig`/`.att` image; a hostile registry must not make verification unbounded. */
export const MAX_ARTIFACT_LAYERS = 256;
/** Reference prefixes of image sources that have no registry to store signatures in. */
const NON_REGISTRY_PREFIXES = ['docker-archive:', 'oci-layout:', 'oci-archive:', 'docker:', 'dir:', 'sbom:'];

export interface Target {
  client: RegistryClient;
  ref: DockerReference;
  /** Digest of what the reference names (the index digest for multi-platform images). */
  digest: string;
  /** `registry/repository`, the identity cosign signs (`critical.identity.docker-reference`). */
  repository: string;
}

/** Resolves `ref` to its manifest digest. The caller closes `target.client`. */
export async function openTarget(refText: string, registry: RegistryOptions = {}): Promise<Target> {
  const prefix = NON_REGISTRY_PREFIXES.find((p) => refText.startsWith(p));
  if (prefix !== undefined) {
    throw new AppError(
      'IMAGE_REF_INVALID',
      `"${refText}" is not a registry reference: signatures and attestations are stored in a registry`,
      { hint: `push the image first and pass registry/repository:tag (not a ${prefix} reference)` },
    );
  }
  const ref = parseDockerReference(refText.replace(/^registry:/, ''));
  const client = createRegistryClient(ref.registry, registry);
  try {
    const res = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? 'latest');
    return { client, ref, digest: res.digest, repository: `${ref.registry}/${ref.repository}` };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/** The layers of the `.sig`/`.att` image of `digest`; an empty list when there is none (404). */
export async function readArtifactLayers(target: Target, kind: ArtifactKind): Promise<OciDescriptor[]> {
  const tag = cosignTag(target.digest, kind);
  let bytes: Buffer;
  try {
    bytes = (await target.client.getManifest(target.ref.repository, tag, { accept: [OCI_MANIFEST] })).bytes;
  } catch (err) {
    if (isAppError(err, 'IMAGE_NOT_FOUND')) return [];
    throw err;
  }
  const layers = parseSignatureManifest(bytes);
  if (typeof layers === 'string') {
    throw new AppError('REGISTRY_PROTOCOL', `${target.repository}:${tag}: ${layers}`);
  }
  if (layers.length > MAX_ARTIFACT_LAYERS) {
    throw new AppError(
      'IMAGE_LIMIT_EXCEEDED',
      `${target.repository}:${tag} has ${layers.length} layers (limit ${MAX_ARTIFACT_LAYERS})`,
    );
  }
  return layers;
}

export async function readLayer(target: Target, layer: OciDescriptor): Promise<Buffer> {
  if (layer.size > MAX_PAYLOAD_BYTES) {
    throw new AppError(
      'IMAGE_LIMIT_EXCEEDED',
      `${target.repository}: signature layer ${layer.digest} is ${layer.size} bytes (limit ${MAX_PAYLOAD_BYTES})`,
    );
  }
  return target.client.readBlob(target.ref.repository, layer.digest, MAX_PAYLOAD_BYTES);
}

function sameAnnotations(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  const ea = Object.entries(a ?? {}).sort();
  const eb = Object.entries(b ?? {}).sort();
  return JSON.stringify(ea) === JSON.stringify(eb);
}

/**
 * Uploads `payload` as a new layer of the `.sig`/`.att` image, keeping the layers already there (an
 * identical layer is not added twice). Returns the tag and the new manifest digest.
 */
export async function appendLayer(
  target: Target,
  kind: ArtifactKind,
  mediaType: string,
  payload: Uint8Array,
  annotations: Record<string, string>,
): Promise<{ tag: string; manifestDigest: string; layers: number }> {
  const repo = target.ref.repository;
  const tag = cosignTag(target.digest, kind);
  const existing = await readArtifactLayers(target, kind);
  const layer = descriptorOf(mediaType, payload, annotations);
  const layers = existing.some(
    (l) => l.digest === layer.digest && sameAnnotations(l.annotations, annotations),
  )
    ? existing
    : [...existing, layer];
  await target.client.putBlob(repo, payload);
  const { manifest, config } = signatureManifest(layers);
  await target.client.putBlob(repo, config);
  const { digest } = await target.client.putManifest(repo, tag, manifest, OCI_MANIFEST);
  return { tag, manifestDigest: digest, layers: layers.length };
}
