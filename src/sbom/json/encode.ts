/**
 * Corral's own SBOM JSON: the {@link Sbom} model serialised (schema: schema.ts, fields: README.md),
 * packages sorted like every other format and relationships sorted, both streamed.
 */
import type { Writable } from 'node:stream';
import { streamed, writeJson } from '../json-writer.js';
import type { Sbom } from '../model.js';
import { sortedPackages } from '../ordering.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function encodeCorralJson(sbom: Sbom, out: Writable): Promise<void> {
  const relationships = [...sbom.relationships].sort(
    (a, b) => cmp(a.from, b.from) || cmp(a.type, b.type) || cmp(a.to, b.to),
  );
  await writeJson(out, {
    schemaVersion: sbom.schemaVersion,
    tool: sbom.tool,
    createdAt: sbom.createdAt,
    image: sbom.image,
    distro: sbom.distro,
    packages: streamed(sortedPackages(sbom)),
    relationships: streamed(relationships),
    unknowns: sbom.unknowns,
  });
}
