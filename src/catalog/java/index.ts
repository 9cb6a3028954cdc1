/**
 * Java archives (`.jar .war .ear .jpi .hpi …`): Maven identities from pom.properties, manifests and
 * file names, in the archive and in the archives nested in it. See README.md for limits and gaps.
 */
import type { FileRef } from '../../image/file-view.js';
import { GiB } from '../../image/limits.js';
import type { Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type PackageDraft, type Unknown } from '../model.js';
import { isJavaArchiveName } from './archive-filename.js';
import { archiveIdentities, type IdentityProblem, JAVA_CATALOGER_ID, javaPackage } from './package.js';
import {
  type ArchiveIssue,
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  walkArchive,
} from './read-archive.js';

/** Largest outer archive read (it is held in memory while its nested archives are walked). */
export const MAX_ARCHIVE_BYTES = GiB;

export type JavaUnknownCode =
  ArchiveIssue['code'] | IdentityProblem['code'] | 'CATALOG_JAVA_ARCHIVE_TOO_LARGE';

function unknownFor(
  file: FileRef,
  p: { code: JavaUnknownCode; innerPath: string; message: string },
): Unknown {
  const where = p.innerPath === '' ? file.path : `${file.path}!/${p.innerPath}`;
  return { path: file.path, code: p.code, message: `${where}: ${p.message}` };
}

/** The archive's own path: the outer file, or its inner path (file names are taken from the last segment). */
const archivePathOf = (file: FileRef, innerPath: string): string =>
  innerPath === '' ? file.path : innerPath;

/**
 * Catalogs one archive; exported with its limits for tests.
 * @example
 * const r = await catalogJavaArchive(file, { ...DEFAULT_ARCHIVE_LIMITS, maxDepth: 2 });
 */
export async function catalogJavaArchive(
  file: FileRef,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<CatalogResult> {
  const result = emptyResult();
  if (file.size > MAX_ARCHIVE_BYTES) {
    const message = `${file.size} bytes, above the ${MAX_ARCHIVE_BYTES}-byte limit for Java archives; not read`;
    result.unknowns.push(
      unknownFor(file, { code: 'CATALOG_JAVA_ARCHIVE_TOO_LARGE', innerPath: '', message }),
    );
    return result;
  }
  const walk = await walkArchive(await file.read(), limits);
  for (const issue of walk.issues) result.unknowns.push(unknownFor(file, issue));
  const seen = new Set<string>();
  const add = (p: PackageDraft) => {
    const key = `${p.purl}\0${p.properties?.['corral:java:path'] ?? ''}`;
    if (!seen.has(key)) result.packages.push(p);
    seen.add(key);
  };
  for (const ev of walk.archives) {
    const { identities, problems } = archiveIdentities(ev, archivePathOf(file, ev.innerPath));
    for (const p of problems) result.unknowns.push(unknownFor(file, p));
    for (const id of identities) add(javaPackage(id, file.path, ev.innerPath));
  }
  return result;
}

export const javaArchive = {
  id: JAVA_CATALOGER_ID,
  version: 1,
  tags: ['language', 'installed', 'maven'],
  /** By suffix: `.jar .war .ear .jpi .hpi .par .sar .nar .kar .lpkg` (case-insensitive). */
  wants: isJavaArchiveName,
  catalog: (file) => catalogJavaArchive(file),
} satisfies Cataloger;
