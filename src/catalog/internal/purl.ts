/**
 * Package URLs through `packageurl-js`, which applies each type's normalisation rules (npm scopes
 * `%40`-encoded, pypi lowercased…) and throws on a missing component: here that becomes `undefined`,
 * so a cataloger can report an Unknown instead of failing.
 * ref. https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst
 */
import { PackageURL } from 'packageurl-js';
import type { UnknownList } from './unknown-list.js';

export interface PurlParts {
  type: string;
  namespace?: string | undefined;
  name: string;
  version?: string | undefined;
  qualifiers?: Record<string, string> | undefined;
}

/**
 * @example buildPurl({ type: 'npm', namespace: '@babel', name: 'core', version: '7.0.0' })
 * // 'pkg:npm/%40babel/core@7.0.0'
 */
export function buildPurl(parts: PurlParts): string | undefined {
  try {
    const qualifiers =
      parts.qualifiers && Object.keys(parts.qualifiers).length > 0 ? parts.qualifiers : undefined;
    return new PackageURL(
      parts.type,
      parts.namespace,
      parts.name,
      parts.version,
      qualifiers,
      undefined,
    ).toString();
  } catch (err) {
    // packageurl-js validates components (non-empty name, allowed characters); a value it rejects is
    // bad scanned content, reported by the caller as an Unknown naming the package
    if (err instanceof Error) return undefined;
    throw err;
  }
}

/** The fields of a package database entry (apk `installed`, dpkg `status`) named when it has no purl. */
export interface DbEntryIdentity {
  name: string;
  version: string;
  /** Line of the entry in its database file. */
  line: number;
}

/**
 * `purl`, or, when it is undefined (a name or version the purl spec cannot carry), undefined after
 * adding Unknown `code` to `unknowns`, naming the entry, its line in the database file, and that it was
 * skipped.
 * @example
 * const purl = purlOrUnknown(apkPurl(entry, distro), entry, unknowns, 'CATALOG_APK_PURL_INVALID');
 * if (purl === undefined) continue;
 */
export function purlOrUnknown<C extends string>(
  purl: string | undefined,
  entry: DbEntryIdentity,
  unknowns: UnknownList<C>,
  code: C,
): string | undefined {
  if (purl === undefined) {
    unknowns.add(
      code,
      `${unknowns.path} line ${entry.line}: no package URL can be built for ${entry.name} ${entry.version}; skipped`,
    );
  }
  return purl;
}
