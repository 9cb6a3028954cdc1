/**
 * The dpkg cataloger: Debian-family packages from `/var/lib/dpkg/status` and from distroless
 * `/var/lib/dpkg/status.d/*`, with the files each package owns (`info/<pkg>.list`, distroless
 * `status.d/<pkg>.md5sums`) and its licenses (DEP-5 `/usr/share/doc/<pkg>/copyright`). See README.md.
 *
 * `wants` also selects the ownership and copyright files, so that the first streaming pass captures
 * them; `catalog` returns nothing for those and reads them through `ctx.view` while it handles the
 * database file.
 */
import { isAppError } from '../../errors.js';
import type { FileRef, FileView } from '../../image/file-view.js';
import { MiB } from '../../image/limits.js';
import type { CatalogContext, Cataloger } from '../cataloger.js';
import { type CatalogResult, emptyResult, type PackageDraft } from '../model.js';
import { OwnedPathResolver } from '../internal/owned-paths.js';
import { isCurrentVersion } from '../internal/current-version.js';
import { dependsOn } from '../internal/provides-requires.js';
import { purlOrUnknown } from '../internal/purl.js';
import { readCapped } from '../internal/read-capped.js';
import { splitLines } from '../internal/text-lines.js';
import { UnknownList } from '../internal/unknown-list.js';
import { debPackage, debPurl, DPKG_CATALOGER_ID } from './package.js';
import { type LicenseNameCache, parseCopyrightLicenses } from './parse-copyright.js';
import { type DpkgEntry, type DpkgUnknownCode, parseDpkgStatus } from './parse-status.js';

export { DPKG_CATALOGER_ID } from './package.js';

const STATUS = '/var/lib/dpkg/status';
const STATUS_D = '/var/lib/dpkg/status.d/';
const INFO = '/var/lib/dpkg/info/';
const DOC = '/usr/share/doc/';
const COPYRIGHT = '/copyright';
const MD5SUMS = '.md5sums';
/** dpkg control files that distroless images may keep next to the stanzas in `status.d/`. */
const CONTROL_FILE_SUFFIXES = [
  '.md5sums',
  '.conffiles',
  '.preinst',
  '.postinst',
  '.prerm',
  '.postrm',
  '.list',
  '.triggers',
  '.shlibs',
  '.symbols',
  '.templates',
  '.config',
];

/** The largest status file read (a full Debian desktop's is about 10 MiB). */
export const MAX_STATUS_BYTES = 256 * MiB;
/** One package's file list (texlive's biggest are a few MiB). */
export const MAX_FILE_LIST_BYTES = 64 * MiB;
/** One copyright file (the largest in Debian are around 1 MiB). */
export const MAX_COPYRIGHT_BYTES = 4 * MiB;
/** Paths in file lists are at most PATH_MAX. */
const MAX_PATH_CHARS = 4096;

type DatabaseKind = 'status' | 'status.d';

/** The single path segment after `prefix`, or undefined. */
function segmentAfter(path: string, prefix: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  return rest !== '' && !rest.includes('/') ? rest : undefined;
}

function databaseKind(path: string): DatabaseKind | undefined {
  if (path === STATUS) return 'status';
  const name = segmentAfter(path, STATUS_D);
  if (name === undefined || name.startsWith('.') || CONTROL_FILE_SUFFIXES.some((s) => name.endsWith(s)))
    return undefined;
  return 'status.d';
}

/**
 * The status databases plus the files read alongside them: `info/*.list`, `status.d/*.md5sums` and
 * `/usr/share/doc/<pkg>/copyright`.
 */
export function wantsDpkgPath(path: string): boolean {
  if (databaseKind(path) !== undefined) return true;
  if (path.endsWith('.list')) return segmentAfter(path, INFO) !== undefined;
  if (path.endsWith(MD5SUMS)) return segmentAfter(path, STATUS_D) !== undefined;
  if (path.endsWith(COPYRIGHT) && path.startsWith(DOC)) {
    return segmentAfter(path.slice(0, -COPYRIGHT.length), DOC) !== undefined;
  }
  return false;
}

/** Looks a path up without letting a symlink loop in the image escape as an exception. */
function lookup(view: FileView, path: string, unknowns: UnknownList<DpkgUnknownCode>): FileRef | undefined {
  try {
    const ref = view.get(path);
    return ref?.type === 'file' ? ref : undefined;
  } catch (err) {
    if (!isAppError(err, 'IMAGE_SYMLINK_LOOP')) throw err;
    unknowns.add('CATALOG_DPKG_FILE_UNREADABLE', `${path}: ${err.message}; not read`, path);
    return undefined;
  }
}

async function readText(
  ref: FileRef,
  maxBytes: number,
  tooLarge: DpkgUnknownCode,
  unknowns: UnknownList<DpkgUnknownCode>,
): Promise<string | undefined> {
  const r = await readCapped(ref, maxBytes, tooLarge);
  if (r.ok) return r.text;
  unknowns.push(r.unknown);
  return undefined;
}

/** Reads an `info/*.list` (one path per line) or `*.md5sums` (`<md5>  <path without leading />`). */
function parseFileList(text: string, md5sums: boolean): string[] {
  const out: string[] = [];
  for (const line of splitLines(text, MAX_PATH_CHARS)) {
    if (line.tooLong || line.unterminated) continue;
    const path = md5sums ? `/${line.text.replace(/^[0-9a-f]+ [ *]/, '')}` : line.text;
    if (path.startsWith('/') && path !== '/.' && path.length > 1) out.push(path);
  }
  return out;
}

/** Everything read beside the database for one catalog call. */
class Enricher {
  readonly #view: FileView;
  readonly #db: FileRef;
  readonly #kind: DatabaseKind;
  readonly #unknowns: UnknownList<DpkgUnknownCode>;
  readonly #resolver: OwnedPathResolver;
  /** Several packages share one doc directory through symlinks (libgcc-s1 → gcc-12-base). */
  readonly #licenses = new Map<string, string[]>();
  readonly #licenseNames: LicenseNameCache = new Map();

  constructor(view: FileView, db: FileRef, kind: DatabaseKind, unknowns: UnknownList<DpkgUnknownCode>) {
    this.#view = view;
    this.#db = db;
    this.#kind = kind;
    this.#unknowns = unknowns;
    this.#resolver = new OwnedPathResolver(view);
  }

  /** dpkg names the list `<pkg>:<arch>.list` for `Multi-Arch: same` packages, else `<pkg>.list`. */
  #listCandidates(e: DpkgEntry): string[] {
    if (this.#kind === 'status.d') {
      return [`${this.#db.path}${MD5SUMS}`, `${STATUS_D}${e.name}${MD5SUMS}`];
    }
    const qualified = e.architecture !== undefined ? [`${INFO}${e.name}:${e.architecture}.list`] : [];
    return [...qualified, `${INFO}${e.name}.list`];
  }

  async ownedFiles(e: DpkgEntry): Promise<string[] | undefined> {
    for (const path of this.#listCandidates(e)) {
      const ref = lookup(this.#view, path, this.#unknowns);
      if (!ref) continue;
      const text = await readText(
        ref,
        MAX_FILE_LIST_BYTES,
        'CATALOG_DPKG_FILE_LIST_TOO_LARGE',
        this.#unknowns,
      );
      return text === undefined
        ? undefined
        : this.#resolver.withRealPaths(parseFileList(text, path.endsWith(MD5SUMS)));
    }
    return undefined;
  }

  async licenses(e: DpkgEntry): Promise<string[]> {
    const ref = lookup(this.#view, `${DOC}${e.name}${COPYRIGHT}`, this.#unknowns);
    if (!ref) return [];
    const cached = this.#licenses.get(ref.realPath);
    if (cached) return [...cached];
    const text = await readText(ref, MAX_COPYRIGHT_BYTES, 'CATALOG_DPKG_COPYRIGHT_TOO_LARGE', this.#unknowns);
    const licenses = text === undefined ? [] : parseCopyrightLicenses(text, this.#licenseNames);
    this.#licenses.set(ref.realPath, licenses);
    return [...licenses];
  }
}

async function toPackages(
  entries: DpkgEntry[],
  file: FileRef,
  kind: DatabaseKind,
  ctx: CatalogContext,
  unknowns: UnknownList<DpkgUnknownCode>,
) {
  const enrich = isCurrentVersion(file, ctx.view) ? new Enricher(ctx.view, file, kind, unknowns) : undefined;
  const out: { entry: DpkgEntry; pkg: PackageDraft }[] = [];
  for (const entry of entries) {
    const purl = purlOrUnknown(debPurl(entry, ctx.distro), entry, unknowns, 'CATALOG_DPKG_PURL_INVALID');
    if (purl === undefined) continue;
    const licenses = enrich ? await enrich.licenses(entry) : [];
    const ownedFiles = enrich ? await enrich.ownedFiles(entry) : undefined;
    out.push({
      entry,
      pkg: debPackage(entry, purl, file.path, { licenses, ...(ownedFiles && { ownedFiles }) }),
    });
  }
  return { found: out, current: enrich !== undefined };
}

async function catalogDpkg(file: FileRef, ctx: CatalogContext): Promise<CatalogResult> {
  const kind = databaseKind(file.path);
  if (kind === undefined) return emptyResult();
  const unknowns = new UnknownList<DpkgUnknownCode>(file.path, 'CATALOG_DPKG_TOO_MANY_PROBLEMS');
  const text = await readText(file, MAX_STATUS_BYTES, 'CATALOG_DPKG_STATUS_TOO_LARGE', unknowns);
  if (text === undefined) return { ...emptyResult(), unknowns: unknowns.toArray() };
  const entries = parseDpkgStatus(text, file.path, { statusRequired: kind === 'status' }, unknowns);
  const { found, current } = await toPackages(entries, file, kind, ctx, unknowns);
  const relationships = current
    ? dependsOn(
        found.map(({ entry, pkg }) => ({
          purl: pkg.purl,
          arch: pkg.arch,
          provides: [entry.name, ...entry.provides],
          requires: entry.depends,
        })),
      )
    : [];
  return { packages: found.map((f) => f.pkg), relationships, unknowns: unknowns.toArray() };
}

export const dpkgDb = {
  id: DPKG_CATALOGER_ID,
  version: 1,
  tags: ['os', 'installed', 'deb'],
  wants: wantsDpkgPath,
  catalog: catalogDpkg,
} satisfies Cataloger;
