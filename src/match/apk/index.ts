/**
 * Alpine packages: looked up by release (`v3.20`) + ORIGIN package (apk `o:`, the SBOM's source), then
 * the binary name; compared with the apk scheme. secdb `0` entries are stored as `not-affected` and
 * cancel the CVE for the package (grype `matcher/apk`: secdb NAK), see `evaluate-rows.ts`.
 */
import type { Distro } from '../../catalog/model.js';
import { apk } from '../../versioning/apk/index.js';
import { distroOf, lookupDistroRows, lookupNames } from '../distro.js';
import { evaluateRows } from '../evaluate-rows.js';
import { emptyMatchResult, type Matcher } from '../matcher.js';

const EDGE = 'edge';

/** os-release `VERSION_ID` `3.20.3` → `v3.20`; development snapshots (`3.21_alpha20240923`) → `edge`. */
export function apkRelease(distro: Distro): string | undefined {
  const v = distro.versionId;
  if (v === undefined) return undefined;
  if (v.includes('_')) return EDGE;
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m === null ? undefined : `v${m[1]}.${m[2]}`;
}

export const apkDistro = {
  id: 'apk-distro',
  packageTypes: ['apk'],
  match(pkg, store, ctx) {
    const distro = distroOf(pkg, ctx);
    const release = distro?.id === 'alpine' ? apkRelease(distro) : undefined;
    if (release === undefined) return emptyMatchResult();
    const rows = lookupDistroRows(store, 'Alpine', [release], lookupNames(pkg));
    return evaluateRows(pkg, apk, rows, { distro: true, ecosystem: () => `Alpine:${release}` });
  },
} satisfies Matcher;
