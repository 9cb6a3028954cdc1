/**
 * The cataloger plugin interface (CONVENTIONS.md §2.2). One object per ecosystem format, listed in
 * registry.ts. A cataloger never reads layers itself: it declares the paths it wants (a cheap, pure
 * predicate checked while layers stream) and parses the files it is handed.
 */
import type { FileRef, FileView } from '../image/file-view.js';
import type { Limits } from '../image/limits.js';
import type { CatalogResult, Distro, PackageType } from './model.js';

/**
 * What a cataloger reads (`os`, `language`, `binary`), whether packages are `installed` or only
 * `declared` (lock files), and the purl type of the packages it reports (`deb`, `npm`…; CONVENTIONS.md
 * §2.2: ecosystem ids).
 */
export type CatalogTag = 'os' | 'language' | 'binary' | 'installed' | 'declared' | PackageType;

export interface CatalogContext {
  /**
   * The squashed view, for files beyond the one handed over (e.g. dpkg `info/*.list` ownership).
   * Reading a path no cataloger declared costs a second pass over its layer: declare what you read.
   */
  view: FileView;
  /** The detected distro, when known (purl qualifiers, distro-specific rules). */
  distro?: Distro;
  limits: Limits;
}

export interface Cataloger {
  /** Stable forever: appears in SBOMs as "foundBy" (`dpkg-db`, `npm-package-json`). */
  readonly id: string;
  /** Bump when output changes for the same input (part of cache keys). */
  readonly version: number;
  readonly tags: readonly CatalogTag[];
  /**
   * Pure path predicate, no I/O. Called for every file of every layer, so keep it cheap (suffix / basename
   * checks before regexes). Paths are absolute and normalised (`/var/lib/dpkg/status`).
   */
  wants(path: string): boolean;
  /**
   * Parses one wanted file (the squashed version, or an earlier layer's version when the runner works out
   * which layer introduced a package). Must not throw on bad content: report `unknowns` and return what
   * could be read. Throwing is reserved for programmer errors.
   */
  catalog(file: FileRef, ctx: CatalogContext): Promise<CatalogResult>;
}
