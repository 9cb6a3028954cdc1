/**
 * RPM distros with OSV feeds (AlmaLinux, Rocky Linux, Red Hat): looked up by major release + SOURCE rpm
 * name, then the binary name; compared with the rpm scheme.
 */
import { rpm } from '../../versioning/rpm/index.js';
import type { AffectedRow } from '../../vulndb/store.js';
import { distroOf, lookupNames } from '../distro.js';
import { evaluateRows } from '../evaluate-rows.js';
import { emptyMatchResult, type Matcher } from '../matcher.js';

/** os-release `ID` → OSV ecosystem. */
const ECOSYSTEMS: Readonly<Record<string, string>> = {
  almalinux: 'AlmaLinux',
  rocky: 'Rocky Linux',
  rhel: 'Red Hat',
};

/** `sourcerpm` may be the file name (`openssl-3.0.7-27.el9.src.rpm`); advisories use the name. */
function sourceName(name: string): string {
  const m = /^(.+)-[^-]+-[^-]+\.src\.rpm$/.exec(name);
  return m?.[1] ?? name;
}

/**
 * OSV Red Hat releases are CPE-like (`enterprise_linux:9::appstream`), Alma/Rocky plain majors (`9`):
 * a row is for major N when one of its `:`-separated fields is N or starts with `N.`.
 */
function releaseMatches(row: AffectedRow, major: string): boolean {
  const release = row.distroRelease;
  if (release === undefined) return false;
  return release
    .split(':')
    .some((part) => part === major || part.startsWith(`${major}.`) || part.endsWith(`_${major}`));
}

export const rpmDistro = {
  id: 'rpm-distro',
  packageTypes: ['rpm'],
  match(pkg, store, ctx) {
    const distro = distroOf(pkg, ctx);
    const ecosystem = distro === undefined ? undefined : ECOSYSTEMS[distro.id];
    const major = distro?.versionId === undefined ? undefined : /^\d+/.exec(distro.versionId)?.[0];
    if (ecosystem === undefined || major === undefined) return emptyMatchResult();
    const names = [...new Set(lookupNames(pkg).map(sourceName))];
    const rows = names.flatMap((n) => store.affected(ecosystem, n)).filter((r) => releaseMatches(r, major));
    return evaluateRows(pkg, rpm, rows, {
      distro: true,
      ecosystem: (r) => `${r.ecosystem}:${r.distroRelease ?? ''}`,
    });
  },
} satisfies Matcher;
