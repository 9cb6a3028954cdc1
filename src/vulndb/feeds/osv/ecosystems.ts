/**
 * OSV ecosystem names (https://ossf.github.io/osv-schema/#defined-ecosystems) that `corral db update`
 * fetches, and the split of distro ecosystems (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`) into
 * the base ecosystem and the release the vulndb stores as `distroRelease`.
 */

/** Ecosystems downloaded by default, as spelled in the bucket paths `gs://osv-vulnerabilities/<eco>/`. */
export const OSV_ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Debian',
  'Ubuntu',
  'Alpine',
  'AlmaLinux',
  'Rocky Linux',
  'Red Hat',
] as const;

export interface SplitEcosystem {
  ecosystem: string;
  distroRelease: string | undefined;
}

/**
 * `Debian:12` → (`Debian`, `12`); `Alpine:v3.20` → (`Alpine`, `v3.20`); `Ubuntu:22.04:LTS` →
 * (`Ubuntu`, `22.04`); `Ubuntu:Pro:18.04:LTS` → (`Ubuntu`, `pro:18.04`); `npm` → (`npm`, undefined).
 * Releases are lowercased; the `LTS` marker of Ubuntu names is not part of the release.
 */
export function splitEcosystem(raw: string): SplitEcosystem {
  const colon = raw.indexOf(':');
  if (colon < 0) return { ecosystem: raw, distroRelease: undefined };
  const ecosystem = raw.slice(0, colon);
  let release = raw.slice(colon + 1);
  if (ecosystem === 'Ubuntu') release = release.replace(/:LTS$/i, '');
  release = release.toLowerCase();
  return { ecosystem, distroRelease: release === '' ? undefined : release };
}
