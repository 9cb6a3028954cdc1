/**
 * apk entries → package drafts: purl, origin as source package, licenses.
 *
 * purl (https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst, type `apk`), as syft
 * writes it (`syft/pkg/cataloger/alpine/package.go`) so that SBOMs interoperate:
 * `pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl`.
 * - namespace: the detected distro id (`alpine`, `wolfi`, `postmarketos`), `alpine` when none;
 * - `distro`: `<id>-<VERSION_ID>`, omitted when no distro was detected;
 * - `upstream`: the origin when it differs from the name.
 */
import type { Distro, PackageDraft } from '../model.js';
import { buildPurl } from '../internal/purl.js';
import { isSpdxExpression, normaliseLicenses } from '../internal/spdx-license.js';
import type { ApkEntry } from './parse-installed.js';

export const APK_CATALOGER_ID = 'apk-db';

/**
 * @example apkPurl({ name: 'busybox-binsh', version: '1.36.1-r29', architecture: 'x86_64', origin: 'busybox', … },
 *   { id: 'alpine', versionId: '3.20.3' })
 * // 'pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox'
 */
export function apkPurl(entry: ApkEntry, distro: Distro | undefined): string | undefined {
  const qualifiers: Record<string, string> = {};
  if (entry.architecture !== undefined) qualifiers.arch = entry.architecture;
  if (distro?.versionId !== undefined) qualifiers.distro = `${distro.id}-${distro.versionId}`;
  else if (distro !== undefined) qualifiers.distro = distro.id;
  if (entry.origin !== undefined && entry.origin !== entry.name) qualifiers.upstream = entry.origin;
  return buildPurl({
    type: 'apk',
    namespace: distro?.id ?? 'alpine',
    name: entry.name,
    version: entry.version,
    qualifiers,
  });
}

/**
 * `L:` holds an SPDX expression in current aports (`MIT AND BSD-2-Clause`), a space-separated list in
 * older ones (`MIT BSD GPL2+`): kept whole when it parses, else split (syft does the same).
 */
export function apkLicenses(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const whole = value.trim();
  return isSpdxExpression(whole) ? [whole] : normaliseLicenses(whole.split(/\s+/));
}

export function apkPackage(
  entry: ApkEntry,
  purl: string,
  path: string,
  ownedFiles: string[] | undefined,
): PackageDraft {
  return {
    name: entry.name,
    version: entry.version,
    type: 'apk',
    purl,
    ...(entry.architecture !== undefined && { arch: entry.architecture }),
    // every subpackage of an aport shares the aport's pkgver-pkgrel
    source: { name: entry.origin ?? entry.name, version: entry.version },
    licenses: apkLicenses(entry.license),
    locations: [{ path, layerIndex: -1 }],
    cpes: [],
    foundBy: APK_CATALOGER_ID,
    ...(entry.maintainer !== undefined && { properties: { 'corral:apk:maintainer': entry.maintainer } }),
    ...(ownedFiles !== undefined && { ownedFiles }),
  };
}
