/**
 * Builds the squashed {@link FileView} of an image by streaming each layer once, in order
 * (trivy `applier/docker.go: ApplyLayers`, done as the layers stream instead of afterwards).
 */
import { AppError } from '../errors.js';
import { ContentStore } from './content-store.js';
import { FileView, type ImageWarning, type TreeNode } from './file-view.js';
import { normaliseEntryName, OPAQUE_MARKER, WHITEOUT_PREFIX, basename, dirname } from './layer/paths.js';
import {
  walkLayer,
  type ByteBudget,
  type EntryBody,
  type LayerWalkStats,
  type TarEntry,
} from './layer/walker.js';
import type { Limits } from './limits.js';
import { readRootfsInto } from './source/dir.js';
import type { Image, Layer } from './types.js';

export interface SquashOptions {
  limits: Limits;
  /** Paths whose bodies to keep during the first pass (cataloger `wants`). Default: none. */
  wants?: (path: string) => boolean;
  signal?: AbortSignal;
  tmpDir?: string;
  /** Called with stored bytes read, per layer. */
  onLayerBytes?: (layer: Layer, bytes: number) => void;
  onLayerDone?: (layer: Layer, stats: LayerWalkStats) => void;
}

export interface SquashResult {
  view: FileView;
  layerStats: LayerWalkStats[];
}

interface PendingLayer {
  entries: Map<string, TreeNode>;
  whiteouts: string[];
  opaques: string[];
}

export async function squashImage(image: Image, opts: SquashOptions): Promise<SquashResult> {
  const view = new FileView(new ContentStore(opts.tmpDir), opts.limits);
  view.setLazyReader((node) => readLazily(image, view, node, opts));
  if (image.rootDir !== undefined) {
    const stats = await readRootfsInto(image.rootDir, view, opts.limits);
    return { view, layerStats: [stats] };
  }
  const budget: ByteBudget = { used: 0 };
  const layerStats: LayerWalkStats[] = [];
  try {
    for (const layer of image.layers) {
      const pending: PendingLayer = { entries: new Map(), whiteouts: [], opaques: [] };
      const stats = await walkLayer(
        layer,
        {
          imageRef: image.ref,
          limits: opts.limits,
          budget,
          ...(opts.signal && { signal: opts.signal }),
          onBytes: (n) => opts.onLayerBytes?.(layer, n),
        },
        (entry, body) => collectEntry(view, layer, pending, entry, body, opts),
      );
      applyLayer(view, layer, pending);
      layerStats.push(stats);
      opts.onLayerDone?.(layer, stats);
    }
  } catch (err) {
    await view.close();
    throw err;
  }
  return { view, layerStats };
}

async function collectEntry(
  view: FileView,
  layer: Layer,
  pending: PendingLayer,
  entry: TarEntry,
  body: EntryBody,
  opts: SquashOptions,
): Promise<void> {
  const norm = normaliseEntryName(entry.name);
  if (!norm.ok) {
    if (norm.reason === 'escapes-root') {
      warn(
        view,
        'IMAGE_PATH_TRAVERSAL',
        layer,
        entry.name,
        `entry "${entry.name}" points outside the image root; ignored`,
      );
    }
    return;
  }
  const path = norm.path;
  if (path.length > opts.limits.maxPathLength) {
    warn(
      view,
      'IMAGE_PATH_TOO_LONG',
      layer,
      path.slice(0, 256),
      `path longer than ${opts.limits.maxPathLength}; ignored`,
    );
    return;
  }
  const name = basename(path);
  if (name === OPAQUE_MARKER) {
    pending.opaques.push(dirname(path));
    return;
  }
  if (name.startsWith(WHITEOUT_PREFIX)) {
    pending.whiteouts.push(
      `${dirname(path) === '/' ? '' : dirname(path)}/${name.slice(WHITEOUT_PREFIX.length)}`,
    );
    return;
  }
  const node = toNode(entry, layer.index, path);
  if (node.type === 'file' && opts.wants?.(path) === true) {
    if (entry.size > opts.limits.maxFileBytes) {
      warn(
        view,
        'IMAGE_FILE_TOO_LARGE',
        layer,
        path,
        `${entry.size} bytes exceeds the ${opts.limits.maxFileBytes}-byte file limit; not read`,
      );
    } else {
      node.content = await view.store.fromStream(body, entry.size, opts.limits.maxBufferedFileBytes);
    }
    view.recordVersion(path, node);
  }
  pending.entries.delete(path); // re-insert so iteration order is the order of the last write
  pending.entries.set(path, node);
}

function toNode(entry: TarEntry, layerIndex: number, path: string): TreeNode {
  const node: TreeNode = {
    type: entry.type,
    mode: entry.mode & 0o7777,
    size: entry.type === 'file' ? entry.size : 0,
    uid: entry.uid,
    gid: entry.gid,
    mtime: entry.mtime,
    layerIndex,
    bodyPath: path,
  };
  if (entry.type === 'symlink') node.linkTarget = entry.linkname ?? '';
  if (entry.type === 'hardlink') {
    const target = normaliseEntryName(entry.linkname ?? '');
    node.linkTarget = target.ok ? target.path : '';
  }
  if (entry.type === 'dir') node.children = new Map();
  return node;
}

/** Applies one collected layer: lower-layer deletions first, then this layer's entries in order. */
function applyLayer(view: FileView, layer: Layer, pending: PendingLayer): void {
  for (const dir of pending.opaques) view.clearDir(dir);
  for (const path of pending.whiteouts) view.remove(path);
  for (const [path, node] of pending.entries) {
    if (node.type === 'hardlink') resolveHardlink(view, layer, pending, path, node);
    view.put(path, node);
  }
}

/**
 * A hardlink is presented as the regular file it links to (same body, own path), as `docker export`
 * and `umoci unpack` show it. The target is looked up in this layer first, then in the lower view.
 */
function resolveHardlink(
  view: FileView,
  layer: Layer,
  pending: PendingLayer,
  path: string,
  node: TreeNode,
): void {
  const targetPath = node.linkTarget ?? '';
  const target = pending.entries.get(targetPath) ?? view.lookupExact(targetPath);
  if (!target || target.type !== 'file') {
    warn(
      view,
      'IMAGE_HARDLINK_DANGLING',
      layer,
      path,
      `hard link to "${targetPath}", which is not a regular file in the image`,
    );
    node.type = 'file';
    node.size = 0;
    delete node.linkTarget;
    return;
  }
  node.type = 'file';
  node.size = target.size;
  node.mode = target.mode;
  node.bodyLayer = target.bodyLayer ?? target.layerIndex;
  node.bodyPath = target.bodyPath ?? targetPath;
  if (target.hostPath !== undefined) node.hostPath = target.hostPath;
  if (target.content) node.content = target.content;
  delete node.linkTarget;
}

function warn(view: FileView, code: ImageWarning['code'], layer: Layer, path: string, message: string): void {
  view.warnings.push({
    code,
    layerIndex: layer.index,
    path,
    message: `layer ${layer.index} (${layer.digest}): ${message}`,
  });
}

/** Streams the node's layer again and keeps only its body (files not declared up front). */
async function readLazily(
  image: Image,
  view: FileView,
  node: TreeNode,
  opts: SquashOptions,
): Promise<Buffer> {
  const layer = image.layers[node.bodyLayer ?? node.layerIndex];
  const bodyPath = node.bodyPath;
  if (!layer || bodyPath === undefined) {
    throw new AppError('IMAGE_PATH_NOT_FOUND', `body of ${bodyPath ?? '?'} is not available in ${image.ref}`);
  }
  let found = false;
  await walkLayer(
    layer,
    {
      imageRef: image.ref,
      limits: opts.limits,
      budget: { used: 0 },
      ...(opts.signal && { signal: opts.signal }),
    },
    async (entry, body) => {
      if (found || entry.type !== 'file') return;
      const norm = normaliseEntryName(entry.name);
      if (!norm.ok || norm.path !== bodyPath) return;
      // the last write of a path in a layer wins, so keep reading: a later duplicate replaces this body
      node.content = await view.store.fromStream(body, entry.size, opts.limits.maxBufferedFileBytes);
    },
  );
  found = node.content !== undefined;
  if (!found || !node.content) {
    throw new AppError(
      'IMAGE_PATH_NOT_FOUND',
      `${bodyPath} not found again in layer ${layer.index} (${layer.digest}) of ${image.ref}`,
    );
  }
  return view.store.read(node.content);
}
