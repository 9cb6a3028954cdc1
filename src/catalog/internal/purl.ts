/**
 * Package URLs through `packageurl-js`, which applies each type's normalisation rules (npm scopes
 * `%40`-encoded, pypi lowercased…) and throws on a missing component: here that becomes `undefined`,
 * so a cataloger can report an Unknown instead of failing.
 * ref. https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst
 */
import { PackageURL } from 'packageurl-js';

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
