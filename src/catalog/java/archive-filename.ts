/**
 * Name and version from a Java archive's file name, the last-resort evidence: Maven names artifacts
 * `<artifactId>-<version>[-<classifier>].<ext>` (https://maven.apache.org/guides/mini/guide-naming-conventions.html).
 * The version starts at the first `-` followed by a digit.
 */

export const JAVA_ARCHIVE_EXTENSIONS: readonly string[] = [
  '.jar',
  '.war',
  '.ear',
  '.jpi',
  '.hpi',
  '.par',
  '.sar',
  '.nar',
  '.kar',
  '.lpkg',
];

/** Whether a name ends with a Java archive extension (case-insensitive). */
export function isJavaArchiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return JAVA_ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** The file name without directories and without its archive extension. */
export function archiveStem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * @example parseArchiveFilename('/app/lib/commons-lang3-3.12.0.jar') // { name: 'commons-lang3', version: '3.12.0' }
 * @example parseArchiveFilename('guava-31.1-jre.jar') // { name: 'guava', version: '31.1-jre' }
 * @example parseArchiveFilename('app.jar') // { name: 'app' }
 */
export function parseArchiveFilename(path: string): { name: string; version?: string } {
  const stem = archiveStem(path);
  const m = /^(.+?)-(\d[^/]*)$/.exec(stem);
  return m ? { name: m[1]!, version: m[2]! } : { name: stem };
}
