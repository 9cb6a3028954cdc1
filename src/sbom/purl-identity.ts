/**
 * Package identity from a purl, for SBOMs written by other tools (syft, trivy): their component names and
 * versions follow their own conventions, the purl follows the spec. Corral's own SBOMs carry the exact
 * `Package` fields and do not go through here.
 *
 * ref. https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst,
 * https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst
 */
import { PackageURL } from 'packageurl-js';
import { PACKAGE_TYPES, type Distro, type PackageType } from '../catalog/model.js';

export interface PurlIdentity {
  type: PackageType;
  name: string;
  version: string;
  arch?: string;
  source?: { name: string; version?: string };
  distro?: Distro;
}

/** How PURL-TYPES.rst says a namespace joins the name into the ecosystem's own package name. */
const NAMESPACE_JOINER: Partial<Record<PackageType, string>> = {
  npm: '/',
  golang: '/',
  composer: '/',
  maven: ':',
};
/** purl types that are not ecosystems Corral matches, read as binaries (matched by CPE). */
const BINARY_PURL_TYPES = new Set(['generic']);

export function parsePurl(purl: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(purl);
  } catch {
    // not a valid purl: the caller records an Unknown naming the component
    return undefined;
  }
}

/** `distro=` qualifier: `debian-12`, `centos-7.6.1810`, `debian-bookworm`, or trivy's bare `3.18.4` (apk). */
export function distroFromQualifier(value: string, namespace?: string): Distro | undefined {
  const bare = /^\d[\w.~+-]*$/.test(value);
  if (bare) return namespace ? { id: namespace.toLowerCase(), versionId: value } : undefined;
  const m = /^([a-z][a-z0-9_.]*?)-(.+)$/i.exec(value);
  if (!m) return { id: value.toLowerCase() };
  const [id, rest] = [m[1]!.toLowerCase(), m[2]!];
  return /^\d/.test(rest) ? { id, versionId: rest } : { id, codename: rest };
}

/** syft's `upstream=` qualifier: `openssl`, `openssl@3.0.11-1`, or an rpm `openssl-1.0.2k-16.el7.src.rpm`. */
function sourceFromUpstream(value: string): { name: string; version?: string } {
  const rpm = /^(.+)-([^-]+-[^-]+)\.src\.rpm$/.exec(value);
  if (rpm) return { name: rpm[1]!, version: rpm[2]! };
  const at = value.indexOf('@');
  return at > 0 ? { name: value.slice(0, at), version: value.slice(at + 1) } : { name: value };
}

/**
 * The package identity a purl states; undefined for purl types Corral has no matcher for.
 *
 * @example
 * identityFromPurl(parsePurl('pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1')!)
 * // { type: 'rpm', name: 'openssl-libs', version: '1:1.0.2k-16.el7', arch: 'x86_64' }
 */
export function identityFromPurl(purl: PackageURL): PurlIdentity | undefined {
  const type = BINARY_PURL_TYPES.has(purl.type) ? 'binary' : (purl.type as PackageType);
  if (!PACKAGE_TYPES.includes(type)) return undefined;
  const q = purl.qualifiers ?? {};
  const joiner = NAMESPACE_JOINER[type];
  const name = purl.namespace && joiner ? `${purl.namespace}${joiner}${purl.name}` : purl.name;
  let version = purl.version ?? '';
  if (q.epoch && version !== '' && !version.includes(':')) version = `${q.epoch}:${version}`;
  const distro = q.distro ? distroFromQualifier(q.distro, purl.namespace ?? undefined) : undefined;
  return {
    type,
    name,
    version,
    ...(q.arch && { arch: q.arch }),
    ...(q.upstream && { source: sourceFromUpstream(q.upstream) }),
    ...(distro && { distro }),
  };
}
