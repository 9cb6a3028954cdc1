/**
 * The summary `corral image inspect` prints: identity, platform, config, layers with their history,
 * and file counts of the squashed view. Also used by the server later, so it lives here, not in cli/.
 */
import { formatPlatform } from './manifest.js';
import { squashImage } from './squash.js';
import type { ImageWarning } from './file-view.js';
import type { Limits } from './limits.js';
import type { Image, Layer } from './types.js';
import { walkLayer } from './layer/walker.js';
import { normaliseEntryName, OPAQUE_MARKER, WHITEOUT_PREFIX, basename } from './layer/paths.js';

/** Bumped when the JSON shape changes incompatibly. */
export const INSPECT_SCHEMA_VERSION = 1;

export interface LayerSummary {
  index: number;
  digest: string;
  diffId: string;
  mediaType: string;
  size: number;
  uncompressedSize: number;
  entries: number;
  /** Entries of this layer still visible in the squashed view. */
  visibleFiles: number;
  createdBy?: string;
  created?: string;
}

export interface FileCounts {
  total: number;
  regular: number;
  dirs: number;
  symlinks: number;
  other: number;
  bytes: number;
}

export interface ImageSummary {
  schemaVersion: number;
  ref: string;
  source: string;
  digest?: string;
  indexDigest?: string;
  configDigest?: string;
  mediaType?: string;
  platform: string;
  repoTags: string[];
  repoDigests: string[];
  created?: string;
  config: {
    user: string;
    env: string[];
    entrypoint: string[] | null;
    cmd: string[] | null;
    workingDir: string;
    labels: Record<string, string>;
    exposedPorts: string[];
    volumes: string[];
    stopSignal?: string;
  };
  layers: LayerSummary[];
  history: { created?: string; createdBy?: string; emptyLayer: boolean; layerIndex: number | null }[];
  files: FileCounts;
  warnings: ImageWarning[];
}

export interface InspectOptions {
  limits: Limits;
  signal?: AbortSignal;
  tmpDir?: string;
  onLayerBytes?: (layer: Layer, bytes: number) => void;
}

export async function inspectImage(image: Image, opts: InspectOptions): Promise<ImageSummary> {
  const { view, layerStats } = await squashImage(image, opts);
  try {
    const files: FileCounts = { total: 0, regular: 0, dirs: 0, symlinks: 0, other: 0, bytes: 0 };
    const visible = new Map<number, number>();
    for (const [, node] of view.entries()) {
      files.total++;
      if (node.type === 'file') {
        files.regular++;
        files.bytes += node.size;
      } else if (node.type === 'dir') files.dirs++;
      else if (node.type === 'symlink') files.symlinks++;
      else files.other++;
      if (node.implicit !== true) visible.set(node.layerIndex, (visible.get(node.layerIndex) ?? 0) + 1);
    }
    const c = image.config.config;
    let layerIndex = 0;
    return {
      schemaVersion: INSPECT_SCHEMA_VERSION,
      ref: image.ref,
      source: image.source,
      ...(image.digest !== undefined && { digest: image.digest }),
      ...(image.indexDigest !== undefined && { indexDigest: image.indexDigest }),
      ...(image.configDigest !== undefined && { configDigest: image.configDigest }),
      ...(image.manifestMediaType !== undefined && { mediaType: image.manifestMediaType }),
      platform: formatPlatform(image.platform),
      repoTags: image.repoTags,
      repoDigests: image.repoDigests,
      ...(image.config.created !== undefined && { created: image.config.created }),
      config: {
        user: c.User ?? '',
        env: c.Env ?? [],
        entrypoint: c.Entrypoint ?? null,
        cmd: c.Cmd ?? null,
        workingDir: c.WorkingDir ?? '',
        labels: c.Labels ?? {},
        exposedPorts: Object.keys(c.ExposedPorts ?? {}).sort(),
        volumes: Object.keys(c.Volumes ?? {}).sort(),
        ...(c.StopSignal !== undefined && { stopSignal: c.StopSignal }),
      },
      layers: image.layers.map((l, i) => ({
        index: l.index,
        digest: l.digest,
        diffId: l.diffId,
        mediaType: l.mediaType,
        size: l.size >= 0 ? l.size : (layerStats[i]?.storedBytes ?? 0),
        uncompressedSize: layerStats[i]?.uncompressedBytes ?? 0,
        entries: layerStats[i]?.entries ?? 0,
        visibleFiles: visible.get(l.index) ?? 0,
        ...(l.createdBy !== undefined && { createdBy: l.createdBy }),
        ...(l.created !== undefined && { created: l.created }),
      })),
      history: image.config.history.map((h) => ({
        ...(h.created !== undefined && { created: h.created }),
        ...(h.created_by !== undefined && { createdBy: h.created_by }),
        emptyLayer: h.empty_layer === true,
        layerIndex: h.empty_layer === true ? null : layerIndex++,
      })),
      files,
      warnings: view.warnings,
    };
  } finally {
    await view.close();
  }
}

export interface LayerFileEntry {
  path: string;
  type: string;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  linkTarget?: string;
  /** `whiteout` deletes `path` from lower layers; `opaque` hides all lower entries under `path`. */
  marker?: 'whiteout' | 'opaque';
}

/** Entries of one layer exactly as its tar holds them (whiteouts shown as markers). */
export async function listLayerFiles(
  image: Image,
  layerIndex: number,
  opts: InspectOptions,
): Promise<LayerFileEntry[]> {
  const layer = image.layers[layerIndex];
  if (!layer) throw new RangeError(`layer ${layerIndex} out of range`);
  const out: LayerFileEntry[] = [];
  await walkLayer(
    layer,
    {
      imageRef: image.ref,
      limits: opts.limits,
      budget: { used: 0 },
      ...(opts.signal && { signal: opts.signal }),
    },
    (e) => {
      const n = normaliseEntryName(e.name);
      if (!n.ok) return;
      const name = basename(n.path);
      const base = { mode: e.mode & 0o7777, size: e.size, uid: e.uid, gid: e.gid };
      if (name === OPAQUE_MARKER)
        out.push({ path: n.path.slice(0, -name.length - 1) || '/', type: 'dir', ...base, marker: 'opaque' });
      else if (name.startsWith(WHITEOUT_PREFIX))
        out.push({
          path: n.path.slice(0, -name.length) + name.slice(WHITEOUT_PREFIX.length),
          type: 'whiteout',
          ...base,
          marker: 'whiteout',
        });
      else
        out.push({
          path: n.path,
          type: e.type,
          ...base,
          ...(e.linkname !== undefined && { linkTarget: e.linkname }),
        });
    },
  );
  return out;
}
