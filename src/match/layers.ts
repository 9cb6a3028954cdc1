/**
 * Which layer introduced a package, with its `created_by` line, and whether that layer is part of the
 * base image.
 *
 * Base-image heuristic (history is all an image tells us): the base image ends with the LAST layer
 * whose `created_by` adds a root filesystem (`ADD file:<hash> in /`, how Docker Official Images and
 * `docker history` spell a `FROM scratch` + rootfs tarball). Layers up to it are "base image", later
 * ones "your layers". When no such line exists (buildkit-only history, squashed images) only layer 0
 * of a multi-layer image counts as base; a single-layer image is left undecided. Known gap: the RUN
 * layers of a derived base image (`node:20` on `debian`) count as "your layers".
 */
import type { SbomLayer } from '../sbom/model.js';
import type { FindingLayer } from './model.js';

const ROOTFS_ADD = /\bADD file:\S+ in \/\s*$/;

/** Number of leading base-image layers, or undefined when undecided. */
export function baseImageLayers(layers: readonly SbomLayer[]): number | undefined {
  let last = -1;
  layers.forEach((l, i) => {
    if (l.createdBy !== undefined && ROOTFS_ADD.test(l.createdBy.trim())) last = i;
  });
  if (last >= 0) return last + 1;
  return layers.length > 1 ? 1 : undefined;
}

export function findingLayer(
  layers: readonly SbomLayer[],
  index: number,
  base: number | undefined,
): FindingLayer | undefined {
  const position = layers.findIndex((l) => l.index === index);
  const layer = layers[position];
  if (layer === undefined) return undefined;
  return {
    index: layer.index,
    digest: layer.digest,
    ...(layer.createdBy !== undefined && { createdBy: layer.createdBy }),
    ...(base !== undefined && { baseImage: position < base }),
  };
}
