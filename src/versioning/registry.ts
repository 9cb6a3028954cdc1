/**
 * THE list of version schemes (CONVENTIONS.md §2.8 habit 1). Adding a scheme = a folder under
 * `src/versioning/<id>/` exporting one `VersionScheme` object, and one line here; `registry.test.ts`
 * checks that the ids equal the folders on disk, that ids and aliases are unique, and that every scheme
 * has the same public surface.
 *
 * Dispatch goes through each scheme's own `aliases` (no central switch, CONVENTIONS.md §3).
 */
import { apk } from './apk/index.js';
import { composer } from './composer/index.js';
import { dpkg } from './dpkg/index.js';
import { gem } from './gem/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { nuget } from './nuget/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import { semver } from './semver/index.js';
import type { VersionScheme } from './scheme.js';

export const SCHEMES: readonly VersionScheme[] = [
  dpkg,
  rpm,
  apk,
  semver,
  pep440,
  maven,
  go,
  gem,
  nuget,
  composer,
];

/** Lower-cased scheme ids and aliases → scheme. Built once; the registry test checks there are no clashes. */
const BY_NAME: ReadonlyMap<string, VersionScheme> = new Map(
  SCHEMES.flatMap((s) => [s.id, ...s.aliases].map((name) => [name.toLowerCase(), s] as const)),
);

/**
 * The scheme for an OSV ecosystem name (`Debian`, `Debian:12`, `PyPI`, `Rocky Linux:9`), a purl type
 * (`deb`, `pypi`, `golang`) or a scheme id (`semver`, for OSV `SEMVER` ranges). Case-insensitive; an
 * OSV `:release` suffix is ignored. Returns undefined for ecosystems without a scheme (`Linux`,
 * `Android`, `GIT`), which the caller reports rather than guesses.
 *
 * @example
 * schemeFor('Ubuntu:22.04:LTS')?.id // 'dpkg'
 * schemeFor('pkg:golang')           // undefined (pass the purl *type*, 'golang')
 */
export function schemeFor(ecosystemOrPurlType: string): VersionScheme | undefined {
  const name = ecosystemOrPurlType.trim().toLowerCase();
  const colon = name.indexOf(':');
  return BY_NAME.get(name) ?? (colon > 0 ? BY_NAME.get(name.slice(0, colon)) : undefined);
}
