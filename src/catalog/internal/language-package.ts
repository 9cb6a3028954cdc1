/**
 * The package draft every language cataloger produces: one location (the file it was read from, layer
 * left to the runner), a purl built from its parts, licenses already normalised by the caller.
 */
import type { CatalogResult, PackageDraft, PackageType, Relationship, Unknown } from '../model.js';
import { buildPurl, type PurlParts } from './purl.js';

export interface LanguagePackageInput {
  /** Display name as the ecosystem writes it (`@babel/core`, `monolog/monolog`, `PyYAML`). */
  name: string;
  version: string;
  type: Exclude<PackageType, 'deb' | 'apk' | 'rpm' | 'binary'>;
  /** purl components other than the type (namespace, purl-normalised name, qualifiers). */
  purl: Omit<PurlParts, 'type' | 'version'>;
  licenses: string[];
  /** The file the package was read from. */
  path: string;
  foundBy: string;
  properties?: Record<string, string>;
}

export type LanguagePackageResult = { ok: true; pkg: PackageDraft } | { ok: false; unknown: Unknown };

/**
 * @param invalidCode Unknown code when no purl can be built (empty or malformed name/version)
 * @example createLanguagePackage({ name: 'rack', version: '2.2.22', type: 'gem', purl: { name: 'rack' },
 *   licenses: ['MIT'], path: '/usr/share/…/rack-2.2.22.gemspec', foundBy: 'ruby-gemspec' }, 'CATALOG_RUBY_GEMSPEC_INVALID')
 */
export function createLanguagePackage(
  input: LanguagePackageInput,
  invalidCode: string,
): LanguagePackageResult {
  const purl =
    input.version.trim() === ''
      ? undefined
      : buildPurl({ type: input.type, ...input.purl, version: input.version });
  if (purl === undefined) {
    return {
      ok: false,
      unknown: {
        path: input.path,
        code: invalidCode,
        message: `${input.type} package ${JSON.stringify(input.name)} version ${JSON.stringify(input.version)} in ${input.path} has no valid package URL; skipped`,
      },
    };
  }
  return {
    ok: true,
    pkg: {
      name: input.name,
      version: input.version,
      type: input.type,
      purl,
      licenses: input.licenses,
      locations: [{ path: input.path, layerIndex: -1 }],
      cpes: [],
      foundBy: input.foundBy,
      ...(input.properties && Object.keys(input.properties).length > 0 && { properties: input.properties }),
    },
  };
}

/** Accumulates packages and Unknowns while a parser walks a file. */
export class ResultBuilder {
  readonly packages: PackageDraft[] = [];
  readonly unknowns: Unknown[] = [];
  readonly #seen = new Set<string>();

  /** Adds the package unless the same purl was already added from this file. */
  add(r: LanguagePackageResult): void {
    if (!r.ok) {
      this.unknowns.push(r.unknown);
      return;
    }
    if (this.#seen.has(r.pkg.purl)) return;
    this.#seen.add(r.pkg.purl);
    this.packages.push(r.pkg);
  }

  unknown(path: string, code: string, message: string): void {
    this.unknowns.push({ path, code, message });
  }

  result(relationships: Relationship[] = []): CatalogResult {
    return { packages: this.packages, relationships, unknowns: this.unknowns };
  }
}
