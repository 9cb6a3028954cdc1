/**
 * The package model (shared/ARCHITECTURE.md "Data model"): what catalogers produce, what SBOMs carry,
 * and all that matching needs later — the inventory re-matches stored SBOMs without the image.
 */

/** purl types (https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst), plus `binary`. */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'golang'
  | 'gem'
  | 'composer'
  | 'nuget'
  | 'cargo'
  | 'binary';

export const PACKAGE_TYPES: readonly PackageType[] = [
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'maven',
  'golang',
  'gem',
  'composer',
  'nuget',
  'cargo',
  'binary',
];

export interface Location {
  /** Absolute path in the image of the file the package was found in (status file, package.json, jar…). */
  path: string;
  /** Layer that introduced the package (set by the catalog runner; catalogers may leave it at -1). */
  layerIndex: number;
}

export interface Package {
  /** Stable id within one SBOM (`p-<hash>`, CycloneDX bom-ref / SPDX id): from purl + location, set by the runner. */
  id: string;
  name: string;
  version: string;
  type: PackageType;
  /** Package URL, e.g. `pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12`. */
  purl: string;
  arch?: string;
  /** The source package (dpkg `Source:`, apk origin, rpm sourcerpm), used by distro matchers. */
  source?: { name: string; version?: string };
  /** SPDX license ids or expressions when they parse, else the text as found. */
  licenses: string[];
  locations: Location[];
  cpes: string[];
  /** Cataloger id (`dpkg-db`, `npm-package-json`…): SBOM "foundBy". */
  foundBy: string;
  /**
   * Extra facts as flat string properties (CycloneDX properties / SPDX annotations), namespaced
   * `corral:…`: e.g. `corral:upstream:purl` for a language package folded into its OS package.
   */
  properties?: Record<string, string>;
}

/** A package as a cataloger reports it; the runner fills `id` and final layer attribution. */
export type PackageDraft = Omit<Package, 'id'> & {
  /**
   * Paths this package installed (dpkg `info/*.list`, rpm file lists). Used during the run to fold
   * language packages owned by OS packages into them; never written to the SBOM.
   */
  ownedFiles?: readonly string[];
};

export interface Distro {
  /** os-release `ID` (`debian`, `alpine`, `rhel`, `ubuntu`…). */
  id: string;
  /** os-release `VERSION_ID` (`12`, `3.20.1`); may be absent (debian sid, distroless). */
  versionId?: string;
  /** os-release `VERSION_CODENAME` (`bookworm`). */
  codename?: string;
  prettyName?: string;
  /** os-release `ID_LIKE` list. */
  idLike?: string[];
}

export type RelationshipType = 'contains' | 'depends-on' | 'evident-by';

export interface Relationship {
  /** Package id, or `image` for the image root. */
  from: string;
  to: string;
  type: RelationshipType;
}

/** A defect in scanned content: reported, never fatal (CONVENTIONS.md §2.4 tier a). */
export interface Unknown {
  path: string;
  layerIndex?: number;
  /** Stable code, e.g. `CATALOG_DPKG_STATUS_TRUNCATED`. */
  code: string;
  message: string;
  cataloger?: string;
}

export interface CatalogResult {
  packages: PackageDraft[];
  /** Between packages of this result, named by purl (the runner rewrites them to package ids). */
  relationships: Relationship[];
  unknowns: Unknown[];
}

export function emptyResult(): CatalogResult {
  return { packages: [], relationships: [], unknowns: [] };
}
