/**
 * Media types of the manifests, configs and layers a registry serves.
 *
 * ref. https://github.com/opencontainers/image-spec/blob/main/media-types.md
 * ref. https://distribution.github.io/distribution/spec/manifest-v2-2/ (Docker schema 2)
 */

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** Docker schema 1 (deprecated, signed and unsigned); Corral refuses it with a hint to re-push. */
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

/** The `Accept` header of a manifest GET: every type we can read, most specific first. */
export const MANIFEST_ACCEPT: readonly string[] = [
  OCI_INDEX,
  OCI_MANIFEST,
  DOCKER_MANIFEST_LIST,
  DOCKER_MANIFEST,
];

export type ManifestKind = 'index' | 'manifest' | 'schema1' | 'unknown';

/** Classifies a manifest media type (parameters such as `; charset=utf-8` are ignored). */
export function manifestKind(mediaType: string): ManifestKind {
  switch (baseMediaType(mediaType)) {
    case OCI_INDEX:
    case DOCKER_MANIFEST_LIST:
      return 'index';
    case OCI_MANIFEST:
    case DOCKER_MANIFEST:
      return 'manifest';
    case DOCKER_SCHEMA1:
    case DOCKER_SCHEMA1_SIGNED:
      return 'schema1';
    default:
      return 'unknown';
  }
}

export function isImageConfigMediaType(mediaType: string): boolean {
  const base = baseMediaType(mediaType);
  return base === OCI_CONFIG || base === DOCKER_CONFIG;
}

/**
 * Layer media types we can stream: plain, gzip or zstd tars in their OCI, Docker and "foreign" /
 * non-distributable spellings (the latter are Windows base layers, often served from `urls`).
 */
const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.diff.tar.zstd',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

export function isLayerMediaType(mediaType: string): boolean {
  return LAYER_TYPES.has(baseMediaType(mediaType));
}

/** Layers that registries may not hold and whose descriptor `urls` say where to fetch them. */
export function isForeignLayer(mediaType: string): boolean {
  const base = baseMediaType(mediaType);
  return base.includes('.nondistributable.') || base.includes('.foreign.');
}

/** `application/json; charset=utf-8` → `application/json`. */
export function baseMediaType(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}
