/**
 * Stand-alone FileRefs and a catalog context for cataloger unit tests that need no image: a file whose
 * size is past a cataloger's cap (its body must never be read), or a file with given bytes.
 *
 * @example
 * const r = await npmLock.catalog(oversizedFileRef('/app/yarn.lock', 65 * MiB), emptyCatalogContext());
 * assert.deepEqual(r.unknowns.map((u) => u.code), ['CATALOG_NPM_LOCK_TOO_LARGE']);
 */
import type { CatalogContext } from '../../src/catalog/cataloger.js';
import { ContentStore } from '../../src/image/content-store.js';
import { FileView, type FileRef } from '../../src/image/file-view.js';
import { defaultLimits } from '../../src/image/limits.js';

/** A regular file at `path` holding `content`, in layer `layerIndex`. */
export function fileRef(path: string, content: string | Buffer, layerIndex = 0): FileRef {
  const body = Buffer.from(content);
  return {
    path,
    realPath: path,
    layerIndex,
    type: 'file',
    mode: 0o644,
    size: body.length,
    uid: 0,
    gid: 0,
    mtime: 0,
    read: () => Promise.resolve(body),
  };
}

/** A file that claims `size` bytes and fails the test if anything reads it. */
export function oversizedFileRef(path: string, size: number): FileRef {
  return {
    ...fileRef(path, ''),
    size,
    read: () => Promise.reject(new Error(`${path} is over its size cap and must not be read`)),
  };
}

/** A context over an empty image (no other files, no distro). */
export function emptyCatalogContext(): CatalogContext {
  const limits = defaultLimits();
  return { view: new FileView(new ContentStore(), limits), limits };
}
