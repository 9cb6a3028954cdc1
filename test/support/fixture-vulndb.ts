/**
 * Builds a REAL vulndb from fixture feed directories (grype `dbtest` style): each case directory holds
 * one sub-directory per feed source (`debian/`, `osv/`, `alpine/`, `nvd/`, `kev/`, `epss/`) in the exact
 * upstream format, imported with the same code as `corral db import`.
 *
 * @example
 * const db = await buildFixtureDb(tmp, ['src/match/testdata/debian-bookworm']);
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { importPath } from '../../src/vulndb/import.js';

const SOURCES = ['debian', 'alpine', 'osv', 'nvd', 'kev', 'epss'] as const;

export async function buildFixtureDb(dir: string, cases: readonly string[]): Promise<string> {
  const db = join(dir, 'vuln.db');
  for (const c of cases) {
    for (const source of SOURCES) {
      const path = join(c, source);
      if (existsSync(path)) await importPath(db, path, { source });
    }
  }
  return db;
}
