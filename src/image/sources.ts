/**
 * THE list of image sources; dispatch is by the reference's kind (see ref.ts for the syntax).
 */
import { dirSource } from './source/dir.js';
import { dockerArchiveSource } from './source/docker-archive.js';
import { dockerDaemonSource } from './source/docker-daemon.js';
import { ociArchiveSource, ociLayoutSource } from './source/oci-layout.js';
import { registrySource } from './source/registry.js';
import type { ImageSource, SourceKind } from './types.js';

export const IMAGE_SOURCES: readonly ImageSource[] = [
  dockerArchiveSource,
  ociLayoutSource,
  ociArchiveSource,
  registrySource,
  dockerDaemonSource,
  dirSource,
];

export function sourceFor(kind: SourceKind): ImageSource {
  const s = IMAGE_SOURCES.find((x) => x.kind === kind);
  if (!s) throw new Error(`no image source registered for kind ${kind}`);
  return s;
}
