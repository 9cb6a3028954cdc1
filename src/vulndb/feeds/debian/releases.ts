/**
 * Debian release codenames and version numbers, so `Debian:12` style lookups (os-release `VERSION_ID`)
 * find rows the tracker stores under `bookworm`. The tracker JSON names releases by codename only.
 * ref. https://www.debian.org/releases/ and https://wiki.debian.org/DebianReleases
 * Releases still to come are listed once Debian announces their codename; `sid` is unstable and has
 * no number.
 */

export interface DebianRelease {
  codename: string;
  /** Major version (`12`), or `1.1`-style for releases before 4.0; undefined for `sid`. */
  version: string | undefined;
}

export const DEBIAN_RELEASES: readonly DebianRelease[] = [
  { codename: 'buzz', version: '1.1' },
  { codename: 'rex', version: '1.2' },
  { codename: 'bo', version: '1.3' },
  { codename: 'hamm', version: '2.0' },
  { codename: 'slink', version: '2.1' },
  { codename: 'potato', version: '2.2' },
  { codename: 'woody', version: '3.0' },
  { codename: 'sarge', version: '3.1' },
  { codename: 'etch', version: '4' },
  { codename: 'lenny', version: '5' },
  { codename: 'squeeze', version: '6' },
  { codename: 'wheezy', version: '7' },
  { codename: 'jessie', version: '8' },
  { codename: 'stretch', version: '9' },
  { codename: 'buster', version: '10' },
  { codename: 'bullseye', version: '11' },
  { codename: 'bookworm', version: '12' },
  { codename: 'trixie', version: '13' },
  { codename: 'forky', version: '14' },
  { codename: 'duke', version: '15' },
  { codename: 'sid', version: undefined },
];

const BY_CODENAME = new Map(DEBIAN_RELEASES.map((r) => [r.codename, r]));
const BY_VERSION = new Map(
  DEBIAN_RELEASES.flatMap((r) => (r.version === undefined ? [] : [[r.version, r] as const])),
);

/**
 * The version of a codename (`bookworm` → `12`), case-insensitive; undefined when unknown or `sid`.
 *
 * @example
 * debianReleaseVersion('Bookworm') // '12'
 */
export function debianReleaseVersion(codename: string): string | undefined {
  return BY_CODENAME.get(codename.trim().toLowerCase())?.version;
}

/**
 * The codename of a Debian version as os-release or `/etc/debian_version` spell it: `12`, `12.5`,
 * `11.0`, `3.1`, `unstable`/`sid`. Point releases map to their major release (`12.5` → `bookworm`).
 *
 * @example
 * debianCodename('12.5') // 'bookworm'
 * debianCodename('unstable') // 'sid'
 */
export function debianCodename(version: string): string | undefined {
  const v = version.trim().toLowerCase();
  if (v === 'sid' || v === 'unstable') return 'sid';
  if (BY_CODENAME.has(v)) return v;
  const exact = BY_VERSION.get(v);
  if (exact !== undefined) return exact.codename;
  const m = /^(\d+)(?:\.(\d+))?/.exec(v);
  if (m === null) return undefined;
  const major = Number(m[1]);
  // From 4.0 on a release is named by its major number; before, by major.minor (3.0 woody, 3.1 sarge).
  const key = major >= 4 ? String(major) : `${major}.${m[2] ?? '0'}`;
  return BY_VERSION.get(key)?.codename;
}
