/**
 * Binaries installed without a package manager (the "ancient Java thrown in" case): JDK/JRE `release`
 * files and version strings in `node`, `python`, `openssl`/`libssl`/`libcrypto` and `busybox`, reported
 * as type `binary` with CPEs for NVD matching. When an OS package owns the file, the catalog runner folds
 * the finding into that package (distros backport fixes). See README.md.
 */
import { PackageURL } from 'packageurl-js';
import type { FileRef } from '../../image/file-view.js';
import { GiB } from '../../image/limits.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type PackageDraft } from '../model.js';
import { BINARY_CLASSIFIERS, type Classification } from './classifiers.js';
import { classifyJvm, MAX_RELEASE_BYTES, parseJvmRelease } from './parse-jvm-release.js';

export const BINARY_CATALOGER_ID = 'binary-classifier';
/** Largest file searched for a version string (real `node` is about 100 MiB). */
export const MAX_CLASSIFIED_BYTES = GiB;

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const dirname = (path: string): string => path.slice(0, path.lastIndexOf('/'));

/** JVM release files: `<java home>/release`, anywhere but /etc (where `release` files are distro files). */
const isJvmReleasePath = (path: string): boolean => basename(path) === 'release' && !path.startsWith('/etc/');

function toPackage(c: Classification, path: string, extra: Record<string, string> = {}): PackageDraft {
  return {
    name: c.name,
    version: c.version,
    type: 'binary',
    purl: new PackageURL('generic', undefined, c.name, c.version, undefined, undefined).toString(),
    licenses: [],
    locations: [{ path, layerIndex: -1 }],
    cpes: c.cpes,
    foundBy: BINARY_CATALOGER_ID,
    properties: { 'corral:binary:classifier': c.classifier, ...extra },
  };
}

async function catalogJvmRelease(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
  const result = emptyResult();
  if (file.size > MAX_RELEASE_BYTES) return result; // not a JVM release file (those are ~1 KiB)
  const release = parseJvmRelease((await file.read()).toString('utf8'));
  if (!release) return result;
  const home = dirname(file.path);
  const hasJavac = ctx.view.lstat(`${home}/bin/javac`) !== undefined;
  const extra: Record<string, string> = { 'corral:jvm:home': home };
  if (release.IMPLEMENTOR) extra['corral:jvm:implementor'] = release.IMPLEMENTOR;
  if (release.JAVA_RUNTIME_VERSION) extra['corral:jvm:runtime-version'] = release.JAVA_RUNTIME_VERSION;
  result.packages.push(toPackage(classifyJvm(release, file.path, hasJavac), file.path, extra));
  return result;
}

async function catalogBinary(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
  if (isJvmReleasePath(file.path)) return catalogJvmRelease(file, ctx);
  const result = emptyResult();
  const name = basename(file.path);
  const classifiers = BINARY_CLASSIFIERS.filter((c) => c.matches(name));
  if (classifiers.length === 0) return result;
  if (file.size > MAX_CLASSIFIED_BYTES) {
    const message = `${file.path} is ${file.size} bytes, above the ${MAX_CLASSIFIED_BYTES}-byte limit; its version was not looked for`;
    result.unknowns.push({ path: file.path, code: 'CATALOG_BINARY_TOO_LARGE', message });
    return result;
  }
  const buf = await file.read();
  for (const c of classifiers) {
    const found = c.classify(buf, name);
    if (found) result.packages.push(toPackage(found, file.path));
  }
  return result;
}

export const binaryClassifier = {
  id: BINARY_CATALOGER_ID,
  version: 1,
  tags: ['binary', 'installed'],
  /** By basename: `release` (JVMs), `node`, `python3.x`, `libpython3.x.so*`, `openssl`, `libssl.so*`, `libcrypto.so*`, `busybox`. */
  wants: (path) => {
    const name = basename(path);
    return isJvmReleasePath(path) || BINARY_CLASSIFIERS.some((c) => c.matches(name));
  },
  catalog: catalogBinary,
} satisfies Cataloger;
