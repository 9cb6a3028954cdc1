/**
 * rpm header → {@link PackageDraft}: version string, purl, source package and properties.
 *
 * purl: `pkg:rpm/<namespace>/<name>@<version>-<release>?arch=&epoch=&upstream=<sourcerpm>&distro=<id>-<versionId>`
 * (purl-spec PURL-TYPES.rst "rpm"; the `upstream` and `distro` qualifiers as syft writes them). The
 * namespace is the image's distro id; without a detected distro it is derived from the header's VENDOR.
 */
import { PackageURL } from 'packageurl-js';
import type { Distro, PackageDraft } from '../model.js';
import type { RpmHeader } from './parse-header.js';

/** The source package named by SOURCERPM (`bash-5.1.8-6.el9.src.rpm` → bash, 5.1.8-6.el9). */
export interface SourceRpm {
  name: string;
  /** `version-release` of the source package (an epoch is never part of the file name). */
  version: string;
}

/**
 * Splits a source rpm file name into name and version-release, as rpm names them
 * (`%{NAME}-%{VERSION}-%{RELEASE}.src.rpm`, `.nosrc.rpm` for NoSource packages).
 * @example parseSourceRpm('perl-Carp-1.50-460.el9.src.rpm') // { name: 'perl-Carp', version: '1.50-460.el9' }
 */
export function parseSourceRpm(sourceRpm: string): SourceRpm | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!m) return undefined;
  return { name: m[1]!, version: `${m[2]}-${m[3]}` };
}

/** VENDOR text → os-release ID of the distro that ships it; first match wins (openSUSE before SUSE). */
const VENDOR_IDS: readonly [RegExp, string][] = [
  [/red hat/i, 'rhel'],
  [/fedora/i, 'fedora'],
  [/centos/i, 'centos'],
  [/rocky/i, 'rocky'],
  [/almalinux/i, 'almalinux'],
  [/opensuse/i, 'opensuse'],
  [/suse/i, 'sles'],
  [/amazon/i, 'amzn'],
  [/oracle/i, 'ol'],
  [/microsoft|mariner/i, 'mariner'],
];

/**
 * A purl namespace from a VENDOR tag: the os-release id of a known vendor, else the vendor's first word
 * lowercased (`Acme Corp.` → `acme`).
 */
export function vendorNamespace(vendor: string | undefined): string | undefined {
  if (vendor === undefined) return undefined;
  const known = VENDOR_IDS.find(([re]) => re.test(vendor));
  if (known) return known[1];
  const word = vendor.toLowerCase().match(/[a-z0-9][a-z0-9._-]*/)?.[0];
  return word === undefined ? undefined : word.replace(/[._-]+$/, '');
}

/** `[epoch:]version-release`, the form rpm version comparison (rpmvercmp over EVR) works on. */
export function evr(h: RpmHeader): string {
  return `${h.epoch !== undefined ? `${h.epoch}:` : ''}${h.version}-${h.release}`;
}

export function rpmPurl(h: RpmHeader, distro: Distro | undefined): string {
  const namespace = distro?.id ?? vendorNamespace(h.vendor);
  const qualifiers: Record<string, string> = {};
  if (h.arch !== undefined) qualifiers.arch = h.arch;
  if (h.epoch !== undefined) qualifiers.epoch = String(h.epoch);
  if (h.sourceRpm !== undefined) qualifiers.upstream = h.sourceRpm;
  if (distro)
    qualifiers.distro = distro.versionId !== undefined ? `${distro.id}-${distro.versionId}` : distro.id;
  return new PackageURL(
    'rpm',
    namespace,
    h.name,
    `${h.version}-${h.release}`,
    qualifiers,
    undefined,
  ).toString();
}

/**
 * The package a header describes, found in the rpmdb at `path`.
 * @example toPackage(header, '/var/lib/rpm/rpmdb.sqlite', { id: 'rocky', versionId: '9.3' }, 'rpm-db')
 */
export function toPackage(
  h: RpmHeader,
  path: string,
  distro: Distro | undefined,
  foundBy: string,
): PackageDraft {
  const source = h.sourceRpm !== undefined ? parseSourceRpm(h.sourceRpm) : undefined;
  const properties: Record<string, string> = {};
  if (h.vendor !== undefined) properties['corral:rpm:vendor'] = h.vendor;
  if (h.modularityLabel !== undefined) properties['corral:rpm:modularitylabel'] = h.modularityLabel;
  if (h.size !== undefined) properties['corral:rpm:size'] = String(h.size);
  return {
    name: h.name,
    version: evr(h),
    type: 'rpm',
    purl: rpmPurl(h, distro),
    ...(h.arch !== undefined && { arch: h.arch }),
    ...(source && { source }),
    licenses: h.license !== undefined ? [h.license] : [],
    locations: [{ path, layerIndex: -1 }],
    cpes: [],
    foundBy,
    ...(Object.keys(properties).length > 0 && { properties }),
    ownedFiles: h.files,
  };
}
