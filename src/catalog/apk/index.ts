/**
 * The apk cataloger: Alpine-family packages from the installed database (`/lib/apk/db/installed`, or
 * `/usr/lib/apk/db/installed` on merged-/usr distros such as Wolfi), with the files each package owns
 * and `depends-on` relationships resolved through names and provides. See README.md.
 */
import { MiB } from '../../image/limits.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type PackageDraft } from '../model.js';
import { isCurrentVersion } from '../internal/current-version.js';
import { OwnedPathResolver } from '../internal/owned-paths.js';
import { dependsOn } from '../internal/provides-requires.js';
import { purlOrUnknown } from '../internal/purl.js';
import { readCapped } from '../internal/read-capped.js';
import { UnknownList } from '../internal/unknown-list.js';
import type { FileRef } from '../../image/file-view.js';
import { APK_CATALOGER_ID, apkPackage, apkPurl } from './package.js';
import { type ApkEntry, type ApkUnknownCode, parseApkInstalled } from './parse-installed.js';

export { APK_CATALOGER_ID } from './package.js';

export const APK_DB_PATHS: readonly string[] = ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'];
/** The largest installed database read (a big Alpine image's is a few MiB). */
export const MAX_DB_BYTES = 256 * MiB;

export function wantsApkPath(path: string): boolean {
  return path.endsWith('/installed') && APK_DB_PATHS.includes(path);
}

function toPackages(
  entries: ApkEntry[],
  file: FileRef,
  ctx: CatalogContext,
  unknowns: UnknownList<ApkUnknownCode>,
  current: boolean,
) {
  const resolver = current ? new OwnedPathResolver(ctx.view) : undefined;
  const out: { entry: ApkEntry; pkg: PackageDraft }[] = [];
  for (const entry of entries) {
    const purl = purlOrUnknown(apkPurl(entry, ctx.distro), entry, unknowns, 'CATALOG_APK_PURL_INVALID');
    if (purl === undefined) continue;
    out.push({ entry, pkg: apkPackage(entry, purl, file.path, resolver?.withRealPaths(entry.files)) });
  }
  return out;
}

async function catalogApk(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
  const unknowns = new UnknownList<ApkUnknownCode>(file.path, 'CATALOG_APK_TOO_MANY_PROBLEMS');
  const read = await readCapped(file, MAX_DB_BYTES, 'CATALOG_APK_DB_TOO_LARGE');
  if (!read.ok) return { ...emptyResult(), unknowns: [read.unknown] };
  const current = isCurrentVersion(file, ctx.view);
  const found = toPackages(parseApkInstalled(read.text, file.path, unknowns), file, ctx, unknowns, current);
  const relationships = current
    ? dependsOn(
        found.map(({ entry, pkg }) => ({
          purl: pkg.purl,
          arch: pkg.arch,
          provides: [entry.name, ...entry.provides],
          requires: entry.depends.map((d) => [d]),
        })),
      )
    : [];
  return { packages: found.map((f) => f.pkg), relationships, unknowns: unknowns.toArray() };
}

export const apkDb = {
  id: APK_CATALOGER_ID,
  version: 1,
  tags: ['os', 'installed', 'apk'],
  wants: wantsApkPath,
  catalog: catalogApk,
} satisfies Cataloger;
