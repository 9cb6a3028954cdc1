/**
 * Stored SBOM blobs and `findings` rows: shared by pushes (store.ts) and re-matching (rematch.ts).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Finding } from '../match/model.js';
import type { Sbom } from '../sbom/model.js';
import { chunks, type Db } from './rows.js';
import type { InventoryDatabase } from './schema.js';

/** SBOMs are kept gzipped: re-matching needs nothing else, and JSON of packages compresses ~10×. */
export function compressSbom(sbom: Sbom): Buffer {
  return gzipSync(JSON.stringify(sbom), { level: 6 });
}

export function decompressSbom(blob: Uint8Array): Sbom {
  return JSON.parse(gunzipSync(blob).toString('utf8')) as Sbom;
}

/** Rows of the `findings` table (and aliases) for an image; duplicate (vuln, package) pairs merged. */
export function findingRows(
  digest: string,
  findings: readonly Finding[],
  at: string,
): { rows: InventoryDatabase['findings'][]; aliases: InventoryDatabase['vuln_aliases'][] } {
  const rows = new Map<string, InventoryDatabase['findings']>();
  const aliases = new Map<string, InventoryDatabase['vuln_aliases']>();
  for (const f of findings) {
    const key = `${f.vulnerability.id}\u0000${f.package.id}`;
    if (rows.has(key)) continue;
    rows.set(key, {
      image_digest: digest,
      vuln_id: f.vulnerability.id,
      pkg_id: f.package.id,
      pkg_name: f.package.name,
      pkg_version: f.package.version,
      pkg_type: f.package.type,
      pkg_purl: f.package.purl,
      severity: f.severity,
      fix_state: f.fixState,
      fixed_in: f.fixedIn ?? null,
      kev: f.vulnerability.kev === undefined ? 0 : 1,
      first_seen: at,
    });
    for (const a of f.vulnerability.aliases) {
      if (a !== f.vulnerability.id)
        aliases.set(`${a}\u0000${f.vulnerability.id}`, { alias: a, vuln_id: f.vulnerability.id });
    }
  }
  return { rows: [...rows.values()], aliases: [...aliases.values()] };
}

export async function insertFindings(
  trx: Db,
  rows: readonly InventoryDatabase['findings'][],
  aliases: readonly InventoryDatabase['vuln_aliases'][],
): Promise<void> {
  for (const part of chunks(rows, 12)) {
    await trx
      .insertInto('findings')
      .values(part)
      .onConflict((oc) => oc.columns(['image_digest', 'vuln_id', 'pkg_id']).doNothing())
      .execute();
  }
  for (const part of chunks(aliases, 2)) {
    await trx
      .insertInto('vuln_aliases')
      .values(part)
      .onConflict((oc) => oc.columns(['alias', 'vuln_id']).doNothing())
      .execute();
  }
}
