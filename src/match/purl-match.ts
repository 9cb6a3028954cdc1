/**
 * Does a package's purl fall under a purl named by a user (ignore entry, VEX product)? Type, namespace and
 * name must be equal; the version only when the pattern has one; qualifiers only those the pattern names
 * (a pattern without qualifiers matches every arch/distro).
 *
 * @example
 * purlMatches('pkg:deb/debian/libssl3', 'pkg:deb/debian/libssl3@3.0.11-1?arch=amd64') // true
 * purlMatches('pkg:npm/lodash@4.17.21', 'pkg:npm/lodash@4.17.20')                    // false
 */
import { PackageURL } from 'packageurl-js';

function parse(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
}

export function purlMatches(pattern: string, purl: string): boolean {
  const p = parse(pattern);
  const q = parse(purl);
  if (p === undefined || q === undefined) return pattern === purl;
  if (p.type !== q.type || (p.namespace ?? '') !== (q.namespace ?? '') || p.name !== q.name) return false;
  if (p.version !== undefined && p.version !== null && p.version !== q.version) return false;
  const quals = (p.qualifiers ?? {}) as Record<string, string>;
  const have = (q.qualifiers ?? {}) as Record<string, string>;
  return Object.entries(quals).every(([k, v]) => have[k] === v);
}

export function isPurl(s: string): boolean {
  return s.startsWith('pkg:');
}
