/**
 * Schema version of the vulnerability database, `model.revision.addition` (grype `db/v6/db.go` SchemaVer):
 * - model: incompatible layout; a reader refuses any other model.
 * - revision: changes that may break readers of the same model; a reader refuses a newer revision.
 * - addition: purely additive (new table, column, index); older readers of the same revision can read it.
 * Writers refuse any schema newer than theirs (they would not know how to keep it consistent).
 *
 * Changelog (append one line per bump, with the migration that made it):
 * - 1.0.0 (0001-init): advisories, severities, affected, aliases, KEV, EPSS, tombstones, feed metadata.
 * - 2.0.0 (0001-init, rewritten before the first release; 1.0.0 DBs are refused with "rebuild it"):
 *   record severities move into a JSON column `advisory.severities` (the `severity` table is gone);
 *   `affected` becomes a WITHOUT ROWID table clustered on (ecosystem, package, distro_release, advisory,
 *   seq) whose other content (vuln_id, source, advisory id, ranges, versions, fix state, fixed-in,
 *   severity, CPE, note) is one JSON array `entry`, so a lookup is one range scan without a join.
 */
import { AppError } from '../errors.js';

export interface SchemaVer {
  model: number;
  revision: number;
  addition: number;
}

export function parseSchemaVer(raw: string): SchemaVer | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(raw.trim());
  if (!m) return undefined;
  return { model: Number(m[1]), revision: Number(m[2]), addition: Number(m[3]) };
}

export function formatSchemaVer(v: SchemaVer): string {
  return `${v.model}.${v.revision}.${v.addition}`;
}

export function compareSchemaVer(a: SchemaVer, b: SchemaVer): number {
  return a.model - b.model || a.revision - b.revision || a.addition - b.addition;
}

/** What `access` may do with a DB of schema `found` given that this build knows `known`. */
export function checkSchemaVer(
  found: SchemaVer,
  known: SchemaVer,
  access: 'read' | 'write',
  where: string,
): void {
  const tooNew =
    found.model > known.model ||
    (found.model === known.model && found.revision > known.revision) ||
    (access === 'write' && compareSchemaVer(found, known) > 0);
  if (tooNew) {
    throw new AppError(
      'VULNDB_SCHEMA_TOO_NEW',
      `vulnerability DB ${where} has schema ${formatSchemaVer(found)}, newer than this corral supports (${formatSchemaVer(known)})`,
      { hint: 'upgrade corral, or rebuild the DB with this version: delete it and run "corral db update"' },
    );
  }
  if (found.model < known.model) {
    throw new AppError(
      'VULNDB_CORRUPT',
      `vulnerability DB ${where} has schema model ${found.model}, older than this corral reads (${known.model})`,
      { hint: 'rebuild it: delete the file and run "corral db update" (or "corral db pull URL")' },
    );
  }
}
