/**
 * The squashed view of an image: the file tree a container started from the image would see, where every
 * entry knows the layer that last wrote it. Built in one streaming pass over the layers; only the bodies
 * of files a caller declared it wants are kept (in memory, or spilled to disk when large). Any other file
 * can still be read later: its layer is streamed again and only that file is kept.
 *
 * Layer semantics follow the OCI image spec (layer.md): whiteouts `.wh.NAME` delete NAME from lower
 * layers, an opaque marker `DIR/.wh..wh..opq` hides every lower entry under DIR.
 */
import picomatch from 'picomatch';
import { AppError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import { type Content } from './content-store.js';
import type { Limits } from './limits.js';
import { basename, cleanUserPath, joinPath, splitPath } from './layer/paths.js';
import type { EntryStat, EntryType } from './layer/walker.js';
import { readHostFile } from './source/dir.js';

export interface FileRef extends EntryStat {
  /** The path asked for or listed (absolute, normalised). */
  path: string;
  /** The path after following symlinks (equals `path` for non-links). */
  realPath: string;
  /** Index of the layer that last wrote this entry. */
  layerIndex: number;
  linkTarget?: string;
  /** Reads the whole body (regular files only). Throws `IMAGE_NOT_A_FILE` for other types. */
  read(): Promise<Buffer>;
}

export interface ImageWarning {
  code: 'IMAGE_PATH_TRAVERSAL' | 'IMAGE_PATH_TOO_LONG' | 'IMAGE_HARDLINK_DANGLING' | 'IMAGE_FILE_TOO_LARGE';
  layerIndex: number;
  path: string;
  message: string;
}

export interface TreeNode extends EntryStat {
  layerIndex: number;
  linkTarget?: string;
  children?: Map<string, TreeNode>;
  content?: Content;
  /** Path, inside `layerIndex`'s tar, whose body this entry has (hardlinks name their target here). */
  bodyPath?: string;
  /** Layer holding `bodyPath` when it differs from `layerIndex` (a hardlink to a lower-layer file). */
  bodyLayer?: number;
  /** Host path of the body, for rootfs directories. */
  hostPath?: string;
  /** Directory created only because a deeper entry needed it (not present in any tar). */
  implicit?: boolean;
}

/** Fetches a body that was not captured during the first pass. */
export type LazyReader = (node: TreeNode) => Promise<Buffer>;

export function newDirNode(layerIndex: number, implicit = false): TreeNode {
  return {
    type: 'dir',
    mode: 0o755,
    size: 0,
    uid: 0,
    gid: 0,
    mtime: 0,
    layerIndex,
    children: new Map(),
    implicit,
  };
}

export class FileView {
  readonly root: TreeNode = newDirNode(-1, true);
  readonly warnings: ImageWarning[] = [];
  readonly #store: ContentStore;
  readonly #limits: Limits;
  /** Every layer's version of each wanted file, in layer order (for "which layer introduced it"). */
  readonly #versions = new Map<string, TreeNode[]>();
  #lazy: LazyReader | undefined;

  constructor(store: ContentStore, limits: Limits) {
    this.#store = store;
    this.#limits = limits;
  }

  setLazyReader(reader: LazyReader): void {
    this.#lazy = reader;
  }

  /** Looks up `path` following symlinks everywhere, the last component included. */
  get(path: string): FileRef | undefined {
    const r = this.resolve(path, true);
    return r ? this.#ref(cleanUserPath(path), r.path, r.node) : undefined;
  }

  /** Looks up `path` without following a symlink in its last component. */
  lstat(path: string): FileRef | undefined {
    const r = this.resolve(path, false);
    return r ? this.#ref(cleanUserPath(path), r.path, r.node) : undefined;
  }

  /** Reads a file, following symlinks; throws `IMAGE_PATH_NOT_FOUND` when absent. */
  async readFile(path: string): Promise<Buffer> {
    const f = this.get(path);
    if (!f) throw new AppError('IMAGE_PATH_NOT_FOUND', `no such file in image: ${path}`);
    return f.read();
  }

  /**
   * Entries whose own path matches any of the globs (picomatch syntax, `dot: true`). Symlinks are not
   * followed while walking, so links to directories never cause duplicates or loops.
   * @example view.glob(['/var/lib/dpkg/status.d/*', '**\/node_modules/*\/package.json'])
   */
  glob(patterns: string | readonly string[], types: readonly EntryType[] = ['file']): FileRef[] {
    const list = (typeof patterns === 'string' ? [patterns] : patterns).map((p) => p.replace(/^\/+/, ''));
    const isMatch = picomatch(list, { dot: true });
    const out: FileRef[] = [];
    for (const [path, node] of this.entries()) {
      if (types.includes(node.type) && isMatch(path.slice(1))) out.push(this.#ref(path, path, node));
    }
    return out;
  }

  /** Every entry, depth first, sorted by name. */
  *entries(): Generator<[string, TreeNode]> {
    const stack: [string, TreeNode][] = [['', this.root]];
    while (stack.length > 0) {
      const [path, node] = stack.pop()!;
      if (path !== '') yield [path, node];
      if (!node.children) continue;
      const names = [...node.children.keys()].sort().reverse();
      for (const name of names) stack.push([`${path}/${name}`, node.children.get(name)!]);
    }
  }

  /** All entries as file references (`ls-files`). */
  list(): FileRef[] {
    return [...this.entries()].map(([p, n]) => this.#ref(p, p, n));
  }

  /**
   * Resolves a path inside the image root. `..` at the root stays at the root and absolute link targets
   * start from the image root, so no target can escape; more than `maxSymlinkHops` links is a loop.
   */
  resolve(path: string, followLast: boolean): { path: string; node: TreeNode } | undefined {
    const queue = splitPath(path);
    let stack: TreeNode[] = [this.root];
    let names: string[] = [];
    let hops = 0;
    while (queue.length > 0) {
      const part = queue.shift()!;
      if (part === '.' || part === '') continue;
      if (part === '..') {
        if (stack.length > 1) {
          stack.pop();
          names.pop();
        }
        continue;
      }
      const child = stack[stack.length - 1]!.children?.get(part);
      if (!child) return undefined;
      if (child.type === 'symlink' && (queue.length > 0 || followLast)) {
        if (++hops > this.#limits.maxSymlinkHops) {
          throw new AppError(
            'IMAGE_SYMLINK_LOOP',
            `too many levels of symbolic links resolving ${path} (at ${joinPath([...names, part])})`,
          );
        }
        const target = child.linkTarget ?? '';
        if (target.startsWith('/')) {
          stack = [this.root];
          names = [];
        }
        queue.unshift(...splitPath(target));
        continue;
      }
      stack.push(child);
      names.push(part);
    }
    return { path: joinPath(names), node: stack[stack.length - 1]! };
  }

  #ref(path: string, realPath: string, node: TreeNode): FileRef {
    return {
      path,
      realPath,
      layerIndex: node.layerIndex,
      type: node.type,
      mode: node.mode,
      size: node.size,
      uid: node.uid,
      gid: node.gid,
      mtime: node.mtime,
      ...(node.linkTarget !== undefined && { linkTarget: node.linkTarget }),
      read: () => this.#read(realPath, node),
    };
  }

  async #read(path: string, node: TreeNode): Promise<Buffer> {
    if (node.type !== 'file') {
      throw new AppError('IMAGE_NOT_A_FILE', `${path} is a ${node.type}, not a regular file`);
    }
    if (node.size > this.#limits.maxFileBytes) {
      throw new AppError(
        'IMAGE_LIMIT_EXCEEDED',
        `${path} is ${node.size} bytes, above the ${this.#limits.maxFileBytes}-byte file limit`,
      );
    }
    if (node.content) return this.#store.read(node.content);
    if (node.hostPath !== undefined) return readHostFile(node.hostPath, this.#limits.maxFileBytes);
    if (!this.#lazy) throw new AppError('IMAGE_PATH_NOT_FOUND', `body of ${path} is not available`);
    return this.#lazy(node);
  }

  /**
   * Every version of the regular file at exactly `path` (no symlinks followed) that the layers wrote, oldest
   * first, including versions later replaced or deleted. Only paths declared as wanted are tracked.
   * @example view.versions('/var/lib/dpkg/status').map((f) => f.layerIndex) // [0, 2, 3]
   */
  versions(path: string): FileRef[] {
    const clean = cleanUserPath(path);
    return (this.#versions.get(clean) ?? []).map((n) => this.#ref(clean, clean, n));
  }

  // ---- building (used by squash.ts) ----

  recordVersion(path: string, node: TreeNode): void {
    const list = this.#versions.get(path);
    const last = list?.[list.length - 1];
    if (!list || !last) this.#versions.set(path, [node]);
    else if (last.layerIndex === node.layerIndex) list[list.length - 1] = node;
    else {
      if (last.content && node.content) node.content = this.#store.share(last.content, node.content);
      list.push(node);
    }
  }

  /** Inserts or replaces the entry at `path` (parents become directories as needed). */
  put(path: string, node: TreeNode): void {
    const parts = splitPath(path);
    let dir = this.root;
    for (const part of parts.slice(0, -1)) {
      let next = dir.children!.get(part);
      if (!next || next.type !== 'dir') {
        next = newDirNode(node.layerIndex, true);
        dir.children!.set(part, next);
      }
      dir = next;
    }
    const name = basename(path);
    const existing = dir.children!.get(name);
    if (node.type === 'dir' && existing?.type === 'dir') {
      // A directory entry in an upper layer changes metadata; lower contents stay (no opaque marker).
      node.children = existing.children;
    }
    if (node.type === 'dir') node.children ??= new Map();
    dir.children!.set(name, node);
  }

  /** Removes `path` and everything below it (a whiteout). Returns whether something was removed. */
  remove(path: string): boolean {
    const parent = this.#lookupExact(splitPath(path).slice(0, -1));
    return parent?.children?.delete(basename(path)) ?? false;
  }

  /** Hides all lower-layer contents of a directory (an opaque marker). */
  clearDir(path: string): void {
    const node = this.#lookupExact(splitPath(path));
    node?.children?.clear();
  }

  /** Exact lookup without following symlinks (whiteouts name entries, not link targets). */
  lookupExact(path: string): TreeNode | undefined {
    return this.#lookupExact(splitPath(path));
  }

  #lookupExact(parts: readonly string[]): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const part of parts) {
      node = node?.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  get store(): ContentStore {
    return this.#store;
  }

  async close(): Promise<void> {
    await this.#store.close();
  }
}
