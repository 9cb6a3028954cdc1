/**
 * dpkg entries → package drafts: the purl, the source package and the catalog location.
 *
 * purl (https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst, type `deb`), as syft
 * writes it (`syft/pkg/cataloger/debian/package.go`) so that SBOMs interoperate:
 * `pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl`.
 * - namespace: the distro id when the distro is Debian or Debian-like (`ubuntu`), else `debian`;
 * - `distro`: `<id>-<VERSION_ID>` (syft), `<id>-<codename>` when there is no VERSION_ID (sid, trixie
 *   before release), omitted when no distro was detected;
 * - `upstream`: the source package when it differs, `name@version` when its version differs too.
 */
import type { Distro, PackageDraft } from '../model.js';
import { buildPurl } from '../internal/purl.js';
import type { DpkgEntry } from './parse-status.js';

export const DPKG_CATALOGER_ID = 'dpkg-db';

function isDebianLike(distro: Distro | undefined): distro is Distro {
  return distro !== undefined && (distro.id === 'debian' || (distro.idLike ?? []).includes('debian'));
}

function distroQualifier(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  const release = distro.versionId ?? distro.codename;
  return release !== undefined ? `${distro.id}-${release}` : distro.id;
}

/**
 * @example debPurl({ name: 'libc6', version: '2.36-9+deb12u4', architecture: 'amd64',
 *   source: { name: 'glibc', version: '2.36-9+deb12u4' }, … }, { id: 'debian', versionId: '12' })
 * // 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc'
 */
export function debPurl(entry: DpkgEntry, distro: Distro | undefined): string | undefined {
  const qualifiers: Record<string, string> = {};
  if (entry.architecture !== undefined) qualifiers.arch = entry.architecture;
  const d = distroQualifier(distro);
  if (d !== undefined) qualifiers.distro = d;
  const { source } = entry;
  if (source.name !== entry.name || source.version !== entry.version) {
    qualifiers.upstream = source.version === entry.version ? source.name : `${source.name}@${source.version}`;
  }
  return buildPurl({
    type: 'deb',
    namespace: isDebianLike(distro) ? distro.id : 'debian',
    name: entry.name,
    version: entry.version,
    qualifiers,
  });
}

export interface DpkgExtras {
  licenses: string[];
  ownedFiles?: string[];
}

/** The draft for one entry found in `path`; the runner fills in the layer. */
export function debPackage(entry: DpkgEntry, purl: string, path: string, extras: DpkgExtras): PackageDraft {
  return {
    name: entry.name,
    version: entry.version,
    type: 'deb',
    purl,
    ...(entry.architecture !== undefined && { arch: entry.architecture }),
    source: entry.source,
    licenses: extras.licenses,
    locations: [{ path, layerIndex: -1 }],
    cpes: [],
    foundBy: DPKG_CATALOGER_ID,
    ...(entry.maintainer !== undefined && { properties: { 'corral:dpkg:maintainer': entry.maintainer } }),
    ...(extras.ownedFiles !== undefined && { ownedFiles: extras.ownedFiles }),
  };
}
