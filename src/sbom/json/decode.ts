/** Reads Corral's own SBOM JSON back (see encode.ts); refuses a newer `schemaVersion` than this build's. */
import type { Package, Relationship, Unknown } from '../../catalog/model.js';
import { AppError } from '../../errors.js';
import { SBOM_MODEL_VERSION, type Sbom } from '../model.js';
import { parseDocument, parseElement } from '../parse-boundary.js';
import { PackageSchema, RelationshipSchema, SbomDocumentSchema, UnknownSchema } from './schema.js';

export function isCorralJson(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  return typeof d.schemaVersion === 'number' && typeof d.image === 'object' && Array.isArray(d.packages);
}

export function decodeCorralJson(raw: unknown): Sbom {
  const doc = parseDocument(SbomDocumentSchema, raw, 'Corral SBOM JSON');
  if (doc.schemaVersion > SBOM_MODEL_VERSION) {
    throw new AppError(
      'SBOM_VERSION_UNSUPPORTED',
      `Corral SBOM schemaVersion ${doc.schemaVersion} is newer than this Corral reads (${SBOM_MODEL_VERSION})`,
      { hint: 'upgrade corral, or write the SBOM as CycloneDX or SPDX' },
    );
  }
  const unknowns: Unknown[] = doc.unknowns.flatMap(
    (u, i) => parseElement(UnknownSchema, u, `unknowns[${i}]`, []) ?? [],
  );
  const packages: Package[] = doc.packages.flatMap(
    (p, i) => parseElement(PackageSchema, p, `packages[${i}]`, unknowns) ?? [],
  );
  const relationships: Relationship[] = doc.relationships.flatMap(
    (r, i) => parseElement(RelationshipSchema, r, `relationships[${i}]`, unknowns) ?? [],
  );
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: doc.image,
    ...(doc.distro && { distro: doc.distro }),
    packages,
    relationships,
    unknowns,
    createdAt: doc.createdAt,
    tool: doc.tool,
  };
}
