/**
 * Comparison helpers for SBOM round trips: the same SBOM in canonical order (packages by id,
 * relationships sorted) with undefined fields dropped, and the fields matching depends on.
 */
import type { Package } from '../../src/catalog/model.js';
import type { Sbom } from '../../src/sbom/model.js';

export function canonical(sbom: Sbom): Sbom {
  const s = JSON.parse(JSON.stringify(sbom)) as Sbom;
  s.packages.sort((a, b) => (a.id < b.id ? -1 : 1));
  const key = (r: Sbom['relationships'][number]): string => `${r.from} ${r.type} ${r.to}`;
  s.relationships.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return s;
}

/** What matching needs of a package (type, name, version, purl, arch, source, CPEs, locations with layers). */
export function matchingView(p: Package): Partial<Package> {
  return {
    type: p.type,
    name: p.name,
    version: p.version,
    purl: p.purl,
    ...(p.arch !== undefined && { arch: p.arch }),
    ...(p.source !== undefined && { source: p.source }),
    cpes: p.cpes,
    locations: p.locations,
  };
}
