/**
 * Walks a Java archive (a zip: PKWARE APPNOTE 6.3.10, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
 * and the archives nested in it (`WEB-INF/lib/*.jar`, `BOOT-INF/lib/*.jar`, jars in jars), collecting the
 * identity evidence of each: its manifest and every `META-INF/maven/**\/pom.properties`.
 *
 * Only those small metadata entries and nested archives are inflated, each into memory under a cap.
 * Hostile input is bounded by {@link ArchiveLimits}: nesting depth, declared sizes, compression ratio,
 * entry count and the total inflated per outer file. Every limit hit and every corrupt zip becomes an
 * {@link ArchiveIssue} naming the inner path; the rest of the archive is still read.
 */
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { GiB, MiB } from '../../image/limits.js';
import { isJavaArchiveName } from './archive-filename.js';
import { type Manifest, parseManifest } from './parse-manifest.js';
import { parsePomProperties } from './parse-pom-properties.js';

export interface ArchiveLimits {
  /** Levels of archives inside the outer one (WEB-INF/lib/x.jar is level 1). */
  maxDepth: number;
  /** Largest nested archive inflated into memory. */
  maxNestedBytes: number;
  /** Bytes inflated in total for one outer file, nested archives and metadata included. */
  maxInflatedBytes: number;
  /** Largest manifest or pom.properties read. */
  maxMetadataBytes: number;
  /** Uncompressed/compressed ratio above which an entry is a compression bomb (deflate tops out near 1032). */
  maxEntryRatio: number;
  /** Entries smaller than this are never called bombs (tiny files compress very well). */
  ratioFloorBytes: number;
  /** Sum of declared uncompressed sizes above which an archive is a bomb (overlapping-entry bombs). */
  maxDeclaredBytes: number;
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxDepth: 4,
  maxNestedBytes: 128 * MiB,
  maxInflatedBytes: 512 * MiB,
  maxMetadataBytes: 1 * MiB,
  maxEntryRatio: 100,
  ratioFloorBytes: 1 * MiB,
  maxDeclaredBytes: 8 * GiB,
  maxEntries: 500_000,
};

export type ArchiveIssueCode =
  | 'CATALOG_JAVA_ZIP_BOMB'
  | 'CATALOG_JAVA_ZIP_CORRUPT'
  | 'CATALOG_JAVA_NESTING_TOO_DEEP'
  | 'CATALOG_JAVA_NESTED_TOO_LARGE'
  | 'CATALOG_JAVA_TOO_MANY_ENTRIES'
  | 'CATALOG_JAVA_ENTRY_UNREADABLE';

export interface ArchiveIssue {
  code: ArchiveIssueCode;
  /** Path inside the outer archive (`BOOT-INF/lib/a.jar!/lib/b.jar`); '' for the outer archive itself. */
  innerPath: string;
  message: string;
}

export interface PomProperties {
  /** Entry path, e.g. `META-INF/maven/org.slf4j/slf4j-api/pom.properties`. */
  entry: string;
  props: Record<string, string>;
}

/** The evidence of one archive, the outer one or a nested one. */
export interface ArchiveEvidence {
  /** '' for the outer archive, else the nested path as in {@link ArchiveIssue.innerPath}. */
  innerPath: string;
  manifest?: Manifest;
  poms: PomProperties[];
}

export interface ArchiveWalk {
  archives: ArchiveEvidence[];
  issues: ArchiveIssue[];
}

interface Walk extends ArchiveWalk {
  limits: ArchiveLimits;
  inflated: number;
}

/** Joins nested paths the way `jar:` URLs do (`outer.jar!/inner.jar`). */
export const nestedPath = (parent: string, entry: string): string =>
  parent === '' ? entry : `${parent}!/${entry}`;

const isPomProperties = (name: string): boolean =>
  name.startsWith('META-INF/maven/') && name.endsWith('/pom.properties');
const isManifest = (name: string): boolean => name.toUpperCase() === 'META-INF/MANIFEST.MF';

interface Selected {
  manifest?: Entry;
  poms: Entry[];
  nested: Entry[];
}

function isBomb(e: Entry, limits: ArchiveLimits): boolean {
  if (e.uncompressedSize < limits.ratioFloorBytes) return false;
  return e.uncompressedSize > limits.maxEntryRatio * Math.max(e.compressedSize, 1);
}

/** Records an entry worth reading in `sel`, or reports it as a bomb. */
function classify(e: Entry, where: string, walk: Walk, sel: Selected): void {
  if (e.fileName.endsWith('/')) return;
  if (isBomb(e, walk.limits)) {
    const msg = `entry inflates ${e.compressedSize} bytes to ${e.uncompressedSize} (ratio above ${walk.limits.maxEntryRatio}): a compression bomb; not read`;
    walk.issues.push({
      code: 'CATALOG_JAVA_ZIP_BOMB',
      innerPath: nestedPath(where, e.fileName),
      message: msg,
    });
  } else if (isManifest(e.fileName)) sel.manifest ??= e;
  else if (isPomProperties(e.fileName)) sel.poms.push(e);
  else if (isJavaArchiveName(e.fileName)) sel.nested.push(e);
}

/**
 * One pass over the central directory: bomb indicators, and the entries worth reading. A directory
 * that breaks off midway keeps what came before it.
 */
async function selectEntries(zip: ZipFile, where: string, walk: Walk): Promise<Selected> {
  const sel: Selected = { poms: [], nested: [] };
  let count = 0;
  let declared = 0;
  try {
    for await (const e of zip.eachEntry()) {
      if (++count > walk.limits.maxEntries) {
        const msg = `more than ${walk.limits.maxEntries} entries; the rest were not read`;
        walk.issues.push({ code: 'CATALOG_JAVA_TOO_MANY_ENTRIES', innerPath: where, message: msg });
        break;
      }
      declared += e.uncompressedSize;
      classify(e, where, walk, sel);
    }
  } catch (err) {
    const msg = `corrupt central directory after ${count} entries: ${(err as Error).message}`;
    walk.issues.push({ code: 'CATALOG_JAVA_ZIP_CORRUPT', innerPath: where, message: msg });
  }
  if (declared > walk.limits.maxDeclaredBytes) {
    const msg = `entries declare ${declared} uncompressed bytes in total (above ${walk.limits.maxDeclaredBytes}): a compression bomb`;
    walk.issues.push({ code: 'CATALOG_JAVA_ZIP_BOMB', innerPath: where, message: msg });
  }
  return sel;
}

/** Inflates one entry into memory, or explains why not (cap, corrupt data, encryption…). */
async function inflateEntry(zip: ZipFile, e: Entry, cap: number, walk: Walk): Promise<Buffer | string> {
  if (e.uncompressedSize > cap) return `${e.uncompressedSize} bytes is above the ${cap}-byte limit`;
  if (walk.inflated + e.uncompressedSize > walk.limits.maxInflatedBytes) {
    return `reading it would pass the ${walk.limits.maxInflatedBytes}-byte budget for this archive`;
  }
  let stream: Readable;
  try {
    stream = await zip.openReadStreamPromise(e);
  } catch (err) {
    // yauzl refuses encrypted entries, unknown compression methods and bad local headers.
    return (err as Error).message;
  }
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    // validateEntrySizes (on) errors out when the data inflates past the declared size.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      chunks.push(chunk);
    }
  } catch (err) {
    return `corrupt data: ${(err as Error).message}`;
  } finally {
    walk.inflated += n;
  }
  return Buffer.concat(chunks);
}

async function readMetadata(zip: ZipFile, sel: Selected, ev: ArchiveEvidence, walk: Walk): Promise<void> {
  const unreadable = (e: Entry, why: string) =>
    walk.issues.push({
      code: 'CATALOG_JAVA_ENTRY_UNREADABLE',
      innerPath: nestedPath(ev.innerPath, e.fileName),
      message: why,
    });
  if (sel.manifest) {
    const body = await inflateEntry(zip, sel.manifest, walk.limits.maxMetadataBytes, walk);
    if (typeof body === 'string') unreadable(sel.manifest, body);
    else ev.manifest = parseManifest(body.toString('utf8'));
  }
  for (const e of sel.poms) {
    const body = await inflateEntry(zip, e, walk.limits.maxMetadataBytes, walk);
    if (typeof body === 'string') unreadable(e, body);
    else ev.poms.push({ entry: e.fileName, props: parsePomProperties(body.toString('latin1')) });
  }
}

async function readNested(
  zip: ZipFile,
  nested: Entry[],
  where: string,
  depth: number,
  walk: Walk,
): Promise<void> {
  for (const e of nested) {
    const inner = nestedPath(where, e.fileName);
    if (depth + 1 > walk.limits.maxDepth) {
      walk.issues.push({
        code: 'CATALOG_JAVA_NESTING_TOO_DEEP',
        innerPath: inner,
        message: `nested more than ${walk.limits.maxDepth} archives deep; not read`,
      });
      continue;
    }
    const body = await inflateEntry(zip, e, walk.limits.maxNestedBytes, walk);
    if (typeof body === 'string') {
      walk.issues.push({
        code: 'CATALOG_JAVA_NESTED_TOO_LARGE',
        innerPath: inner,
        message: `nested archive not read: ${body}`,
      });
      continue;
    }
    await visit(body, inner, depth + 1, walk);
  }
}

async function openZip(buf: Buffer): Promise<ZipFile | string> {
  try {
    return await yauzl.fromBufferPromise(buf, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch (err) {
    return (err as Error).message;
  }
}

async function visit(buf: Buffer, where: string, depth: number, walk: Walk): Promise<void> {
  const zip = await openZip(buf);
  if (typeof zip === 'string') {
    walk.issues.push({
      code: 'CATALOG_JAVA_ZIP_CORRUPT',
      innerPath: where,
      message: `not a readable zip: ${zip}`,
    });
    return;
  }
  try {
    const sel = await selectEntries(zip, where, walk);
    const ev: ArchiveEvidence = { innerPath: where, poms: [] };
    await readMetadata(zip, sel, ev, walk);
    walk.archives.push(ev);
    await readNested(zip, sel.nested, where, depth, walk);
  } finally {
    zip.close();
  }
}

/**
 * Collects the identity evidence of a Java archive and the archives nested in it; never throws on
 * bad content.
 * @example
 * const { archives, issues } = await walkArchive(await file.read());
 * archives[0] // { innerPath: '', manifest: Map { 'implementation-version' => '1.0' }, poms: [...] }
 */
export async function walkArchive(
  buf: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveWalk> {
  const walk: Walk = { archives: [], issues: [], limits, inflated: 0 };
  await visit(buf, '', 0, walk);
  return { archives: walk.archives, issues: walk.issues };
}
