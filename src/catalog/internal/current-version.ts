/**
 * Whether a database file handed to an OS cataloger (apk `installed`, dpkg `status`) is the version
 * visible in the squashed view.
 */
import type { FileRef, FileView } from '../../image/file-view.js';

/**
 * True when `file` is the version of its path that the squashed `view` shows. The runner re-reads
 * older versions of a package database only to learn which layer introduced each package: ownership,
 * licenses and relationships computed from those versions would be thrown away, so skip them.
 */
export function isCurrentVersion(file: FileRef, view: FileView): boolean {
  return view.lstat(file.path)?.layerIndex === file.layerIndex;
}
