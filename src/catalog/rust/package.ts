/**
 * cargo-auditable packages → package drafts (`pkg:cargo/<name>@<version>`) and `depends-on`
 * relationships from the recorded dependency graph.
 */
import { PackageURL } from 'packageurl-js';
import type { PackageDraft, Relationship } from '../model.js';
import type { AuditPackage } from './parse-audit-data.js';

export const RUST_CATALOGER_ID = 'rust-cargo-auditable';

function cargoPurl(p: AuditPackage): string {
  return new PackageURL('cargo', undefined, p.name, p.version, undefined, undefined).toString();
}

function draft(p: AuditPackage, location: string): PackageDraft {
  return {
    name: p.name,
    version: p.version,
    type: 'cargo',
    purl: cargoPurl(p),
    licenses: [],
    locations: [{ path: location, layerIndex: -1 }],
    cpes: [],
    foundBy: RUST_CATALOGER_ID,
    properties: {
      // Only `crates.io` names are crates.io crates; `local`/`git`/`registry` ones may share a name
      // with an unrelated crates.io crate, so matchers should look at this before matching by name.
      'corral:cargo:source': p.source,
      ...(p.kind === 'build' && { 'corral:cargo:kind': 'build' }),
      ...(p.root && { 'corral:cargo:root': 'true' }),
    },
  };
}

/**
 * @example
 * cargoPackages([{ name: 'app', version: '0.1.0', source: 'local', kind: 'runtime', dependencies: [1], root: true },
 *                { name: 'serde', version: '1.0.200', source: 'crates.io', kind: 'runtime', dependencies: [], root: false }], '/app/bin')
 * // packages pkg:cargo/app@0.1.0, pkg:cargo/serde@1.0.200; relationship app depends-on serde
 */
export function cargoPackages(
  packages: ReadonlyArray<AuditPackage | undefined>,
  location: string,
): { packages: PackageDraft[]; relationships: Relationship[] } {
  const drafts = packages.map((p) => p && draft(p, location));
  const relationships: Relationship[] = [];
  packages.forEach((p, i) => {
    for (const d of p?.dependencies ?? []) {
      const from = drafts[i];
      const to = drafts[d];
      if (from && to) relationships.push({ from: from.purl, to: to.purl, type: 'depends-on' });
    }
  });
  return { packages: drafts.filter((d): d is PackageDraft => d !== undefined), relationships };
}
