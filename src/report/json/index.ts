/**
 * The scan result as JSON: the {@link ScanResult} model itself with its `schemaVersion`, findings sorted
 * (most severe first), the SBOM's packages and relationships sorted, the big arrays streamed. The
 * schema is documented in README.md and published as scan-result.schema.json next to this file.
 *
 * Changelog of `schemaVersion` (SCAN_RESULT_SCHEMA_VERSION in src/match/model.ts):
 * - 1: first version.
 */
import type { Writable } from 'node:stream';
import type { Relationship } from '../../catalog/model.js';
import type { ScanResult } from '../../match/model.js';
import type { Sbom } from '../../sbom/model.js';
import { streamed, writeJson } from '../../sbom/json-writer.js';
import { sortedPackages } from '../../sbom/ordering.js';
import { sortedFindings } from '../order.js';
import type { ReportOptions, ReportWriter } from '../report.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedRelationships(rels: readonly Relationship[]): Relationship[] {
  return [...rels].sort((a, b) => cmp(a.from, b.from) || cmp(a.type, b.type) || cmp(a.to, b.to));
}

/** The SBOM with keys in the order of `corral sbom -o json`, packages and relationships sorted. */
function sbomDocument(sbom: Sbom): Record<string, unknown> {
  return {
    schemaVersion: sbom.schemaVersion,
    tool: sbom.tool,
    createdAt: sbom.createdAt,
    image: sbom.image,
    distro: sbom.distro,
    packages: sortedPackages(sbom),
    relationships: sortedRelationships(sbom.relationships),
    unknowns: sbom.unknowns,
  };
}

/** The document, with keys in a fixed order; `sbom` and `findings` are the large parts. */
export function scanResultDocument(result: ScanResult): Record<string, unknown> {
  const notComparable = [...result.notComparable].sort(
    (a, b) => cmp(a.package.name, b.package.name) || cmp(a.package.id, b.package.id),
  );
  return {
    schemaVersion: result.schemaVersion,
    scannedAt: result.scannedAt,
    db: result.db,
    sbom: sbomDocument(result.sbom),
    findings: streamed(sortedFindings(result.findings)),
    notComparable,
    ...(result.suppressed !== undefined && {
      suppressed: [...result.suppressed].sort(
        (a, b) =>
          cmp(a.finding.vulnerability.id, b.finding.vulnerability.id) ||
          cmp(a.finding.package.id, b.finding.package.id),
      ),
    }),
    ...(result.warnings !== undefined && result.warnings.length > 0 && { warnings: result.warnings }),
  };
}

export const json = {
  id: 'json',
  description: 'the scan result as JSON (documented, versioned schema)',
  contentType: 'application/json',
  write: (result: ScanResult, out: Writable, _opts: ReportOptions) =>
    writeJson(out, scanResultDocument(result)),
} satisfies ReportWriter;
