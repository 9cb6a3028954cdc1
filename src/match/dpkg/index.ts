/**
 * Debian and Ubuntu packages (README.md): looked up by distro + release + SOURCE package, so the
 * tracker's `openssl` entry covers `libssl3`; compared with the dpkg scheme.
 */
import type { Distro } from '../../catalog/model.js';
import { debianCodename } from '../../vulndb/feeds/debian/releases.js';
import { dpkg } from '../../versioning/dpkg/index.js';
import { distroOf, lookupDistroRows, lookupNames } from '../distro.js';
import { evaluateRows } from '../evaluate-rows.js';
import { emptyMatchResult, type Matcher } from '../matcher.js';

/** os-release `ID` → OSV ecosystem name of the feeds that cover it. */
const ECOSYSTEMS: Readonly<Record<string, string>> = { debian: 'Debian', ubuntu: 'Ubuntu' };

/**
 * Release spellings the vulndb may hold: the tracker stores codenames (`bookworm`), OSV `Debian:12`
 * the major version, OSV Ubuntu `22.04`.
 */
export function dpkgReleases(distro: Distro): string[] {
  const out: string[] = [];
  const version = distro.versionId;
  if (distro.codename !== undefined) out.push(distro.codename);
  if (version !== undefined) {
    out.push(version);
    if (distro.id === 'debian') {
      const major = /^\d+/.exec(version)?.[0];
      if (major !== undefined) out.push(major);
      const codename = debianCodename(version);
      if (codename !== undefined) out.push(codename);
    }
  }
  return [...new Set(out.map((r) => r.toLowerCase()))];
}

export const dpkgDistro = {
  id: 'dpkg-distro',
  packageTypes: ['deb'],
  match(pkg, store, ctx) {
    const distro = distroOf(pkg, ctx);
    const ecosystem = distro === undefined ? undefined : ECOSYSTEMS[distro.id];
    if (distro === undefined || ecosystem === undefined) return emptyMatchResult();
    const rows = lookupDistroRows(store, ecosystem, dpkgReleases(distro), lookupNames(pkg));
    return evaluateRows(pkg, dpkg, rows, {
      distro: true,
      ecosystem: (r) => `${r.ecosystem}:${r.distroRelease ?? ''}`,
    });
  },
} satisfies Matcher;
