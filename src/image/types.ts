/**
 * The image data model shared by every image source (see shared/ARCHITECTURE.md, "Data model").
 *
 * A source turns a reference into an {@link Image}: a manifest digest, a parsed config, and a list of
 * layer blobs that can each be opened as a raw (possibly compressed) byte stream. Nothing here reads a
 * layer eagerly: `open()` is called by the layer walker, once per pass.
 */
import type { Readable } from 'node:stream';
import type { Limits } from './limits.js';

export type SourceKind = 'docker-archive' | 'oci-layout' | 'oci-archive' | 'registry' | 'docker' | 'dir';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** OCI content descriptor (image-spec descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform & { 'os.version'?: string; 'os.features'?: string[] };
  urls?: string[];
}

/** One entry of the config `history` array (image-spec config.md). */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The parts of the OCI / Docker image config Corral uses; unknown keys are kept in `raw`. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    StopSignal?: string;
  };
  rootfs: { type: string; diff_ids: string[] };
  history: HistoryEntry[];
}

/** What a blob's bytes must hash to, and whether the hash covers the stored or the decompressed bytes. */
export interface DigestCheck {
  digest: string;
  of: 'stored' | 'uncompressed';
}

export interface Layer {
  /** 0-based position in the layer stack (index into `rootfs.diff_ids`). */
  index: number;
  /** Digest of the stored blob (compressed for registries, equals diffId for uncompressed layers). */
  digest: string;
  /** Digest of the uncompressed tar (`rootfs.diff_ids[index]`). */
  diffId: string;
  mediaType: string;
  /** Stored size in bytes, or -1 when the source cannot tell before reading. */
  size: number;
  /** The `created_by` of the history entry that produced this layer, if known. */
  createdBy?: string;
  created?: string;
  comment?: string;
  /** Opens the stored bytes. Each call starts a fresh stream. */
  open(signal?: AbortSignal): Promise<Readable>;
  /** Integrity check applied while the layer is read; absent only for sources without digests (dir). */
  verify?: DigestCheck;
}

export interface Image {
  /** The reference the user gave, normalised (e.g. `registry:docker.io/library/alpine:3.20`). */
  ref: string;
  source: SourceKind;
  /** Manifest digest (`sha256:…`): the identity of the image. Absent for a rootfs directory. */
  digest?: string;
  /** Digest of the index / manifest list the manifest was chosen from, if any. */
  indexDigest?: string;
  manifestMediaType?: string;
  configDigest?: string;
  config: ImageConfig;
  platform: Platform;
  repoTags: string[];
  repoDigests: string[];
  layers: Layer[];
  /** History entries that did not create a layer (`empty_layer: true`), in config order. */
  emptyHistory: HistoryEntry[];
  /** For a rootfs directory: the host path of the root, read directly instead of through a tar stream. */
  rootDir?: string;
  /** Releases temporary files and connections held by the source. Idempotent. */
  close(): Promise<void>;
}

export interface ResolveOptions {
  limits: Limits;
  /** Platform to choose from an index / manifest list. Default linux/amd64. */
  platform?: Platform;
  signal?: AbortSignal;
  /** Directory for temporary files (spills, decompressed archives). Default: a folder under the OS temp dir. */
  tmpDir?: string;
  /** Registry options (credentials, TLS). */
  registry?: RegistryOptions;
  /** Docker Engine endpoint, e.g. `unix:///var/run/docker.sock`. Default: `$DOCKER_HOST` or the standard socket. */
  dockerHost?: string;
  /** Reports bytes as they are transferred (registry pulls, daemon export). */
  onProgress?: (e: ProgressEvent) => void;
}

export interface ProgressEvent {
  phase: string;
  id: string;
  done: number;
  total?: number;
}

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A bearer token or identity token given directly. */
  token?: string;
}

export interface RegistryOptions {
  /** Use plain HTTP and accept any certificate. */
  insecure?: boolean;
  /** PEM file(s) of extra CA certificates to trust. */
  caFiles?: string[];
  /** Credentials given on the command line / env; they win over the Docker config file. */
  credentials?: RegistryCredentials;
  /** Path of a Docker `config.json`; default `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
  dockerConfigPath?: string;
  /** Max retries of a request that failed with 429/5xx or a network error. Default 4. */
  retries?: number;
  /** First backoff delay in ms (doubles each retry). Default 500. */
  retryBaseMs?: number;
}

/** An image source: turns one kind of reference into an {@link Image}. */
export interface ImageSource {
  readonly kind: SourceKind;
  /**
   * @param location path, daemon image name or registry reference (without the `kind:` prefix)
   * @param selector image inside a multi-image archive/layout: a name or tag, `@sha256:…`, or `@N`
   */
  resolve(location: string, opts: ResolveOptions, selector?: string): Promise<Image>;
}
