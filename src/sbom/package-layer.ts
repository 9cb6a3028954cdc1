import type { Package } from '../catalog/model.js';

/**
 * The layer that introduced a package: the lowest known layer among its locations (the catalog runner
 * attributes each location to the layer that first listed the package); undefined when none is known.
 *
 * @example
 * introducedInLayer({ ...pkg, locations: [{ path: '/var/lib/dpkg/status', layerIndex: 1 }] }) // 1
 */
export function introducedInLayer(pkg: Pick<Package, 'locations'>): number | undefined {
  let min: number | undefined;
  for (const l of pkg.locations) {
    if (l.layerIndex >= 0 && (min === undefined || l.layerIndex < min)) min = l.layerIndex;
  }
  return min;
}
