/**
 * Shared by the distro matchers (`dpkg/`, `apk/`, `rpm/`): which distro a package belongs to, and the
 * lookup of its rows by every release spelling and by source and binary package name.
 */
import type { Distro, Package } from '../catalog/model.js';
import type { AffectedRow, VulnStore } from '../vulndb/store.js';
import type { MatchContext } from './matcher.js';

/**
 * The package's distro: the SBOM's os-release when present, else the purl's `distro` qualifier
 * (`distro=debian-12`, `distro=alpine-3.20.3`; SBOMs of other tools often carry only this).
 */
export function distroOf(pkg: Package, ctx: MatchContext): Distro | undefined {
  if (ctx.distro !== undefined) return ctx.distro;
  const m = /[?&]distro=([^&#]+)/.exec(pkg.purl);
  if (m?.[1] === undefined) return undefined;
  const value = decodeURIComponent(m[1]);
  const dash = value.indexOf('-');
  return dash < 0
    ? { id: value.toLowerCase() }
    : { id: value.slice(0, dash).toLowerCase(), versionId: value.slice(dash + 1) };
}

/** Source package first (advisories are filed against it), then the binary name when it differs. */
export function lookupNames(pkg: Package): string[] {
  return [...new Set([pkg.source?.name, pkg.name].filter((n): n is string => n !== undefined && n !== ''))];
}

/** Every row of `names` in any of `releases` (each spelling queried once; rows of distinct queries are disjoint). */
export function lookupDistroRows(
  store: VulnStore,
  ecosystem: string,
  releases: readonly string[],
  names: readonly string[],
): AffectedRow[] {
  const rows: AffectedRow[] = [];
  for (const release of new Set(releases.map((r) => r.toLowerCase()))) {
    for (const name of names) rows.push(...store.affected(ecosystem, name, release));
  }
  return rows;
}
