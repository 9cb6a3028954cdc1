/**
 * Language packages through OSV ranges in the package's own ecosystem (grype `matcher/internal`
 * `MatchPackageByEcosystem`): npm, PyPI, Go, Maven, crates.io, RubyGems, NuGet, Packagist. The name is
 * spelled as OSV spells it (from the purl: Maven `group:artifact`, npm `@scope/name`, Go module path,
 * Composer `vendor/name`); PyPI and NuGet names are tried in their normalised forms too.
 *
 * A package carrying `corral:upstream:purl` is an OS package that absorbed a language package; it is
 * matched only through its distro feed (the distro patches without changing upstream versions), never here.
 */
import { PackageURL } from 'packageurl-js';
import type { Package, PackageType } from '../catalog/model.js';
import { schemeFor } from '../versioning/registry.js';
import { evaluateRows, type RowSpec } from './evaluate-rows.js';
import { emptyMatchResult, type Matcher } from './matcher.js';

export const UPSTREAM_PURL_PROPERTY = 'corral:upstream:purl';

interface EcosystemSpec {
  /** OSV ecosystem name. */
  osv: string;
  /** Joins purl namespace and name. */
  join: (namespace: string, name: string) => string;
  /** Extra spellings to look up (normalised names); the purl's spelling is always tried first. */
  variants?: (name: string) => string[];
}

const slash = (ns: string, n: string): string => `${ns}/${n}`;

/** PEP 503: lowercase, runs of `-_.` → `-`; feeds spell names either way. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const ECOSYSTEMS: Partial<Record<PackageType, EcosystemSpec>> = {
  npm: { osv: 'npm', join: slash },
  pypi: {
    osv: 'PyPI',
    join: slash,
    variants: (n) => [normalisePypiName(n), n.toLowerCase(), normalisePypiName(n).replace(/-/g, '_')],
  },
  golang: { osv: 'Go', join: slash },
  maven: { osv: 'Maven', join: (ns, n) => `${ns}:${n}` },
  cargo: { osv: 'crates.io', join: slash },
  gem: { osv: 'RubyGems', join: slash },
  nuget: { osv: 'NuGet', join: slash, variants: (n) => [n.toLowerCase()] },
  composer: { osv: 'Packagist', join: slash, variants: (n) => [n.toLowerCase()] },
};

/** The name as OSV spells it, from the purl when it parses, else the package name. */
function osvName(pkg: Package, spec: EcosystemSpec): string {
  let purl: PackageURL | undefined;
  try {
    purl = PackageURL.fromString(pkg.purl);
  } catch (err) {
    // a malformed purl (foreign SBOMs) still has a usable package name
    void err;
    return pkg.name;
  }
  const ns = purl.namespace ?? '';
  return ns === '' ? purl.name : spec.join(ns, purl.name);
}

/** Names to look up for a package (purl spelling first, then variants); memoised per package object. */
const lookupCache = new WeakMap<Package, string[]>();
function lookupNamesOf(pkg: Package, spec: EcosystemSpec): string[] {
  let names = lookupCache.get(pkg);
  if (names === undefined) {
    const name = osvName(pkg, spec);
    names = [...new Set([name, ...(spec.variants?.(name) ?? [])])];
    lookupCache.set(pkg, names);
  }
  return names;
}

/** The evaluation spec of each ecosystem, made once (thousands of packages share it). */
const rowSpecs = new Map<EcosystemSpec, RowSpec>();
function rowSpecOf(spec: EcosystemSpec): RowSpec {
  let rowSpec = rowSpecs.get(spec);
  if (rowSpec === undefined) {
    const ecosystem = spec.osv;
    rowSpec = { distro: false, ecosystem: () => ecosystem };
    rowSpecs.set(spec, rowSpec);
  }
  return rowSpec;
}

function applicable(pkg: Package): EcosystemSpec | undefined {
  const spec = ECOSYSTEMS[pkg.type];
  if (spec === undefined || pkg.properties?.[UPSTREAM_PURL_PROPERTY] !== undefined) return undefined;
  return spec;
}

export const osvEcosystem = {
  id: 'osv-ecosystem',
  packageTypes: ['npm', 'pypi', 'golang', 'maven', 'cargo', 'gem', 'nuget', 'composer'],
  prefetch(pkgs, store) {
    const byEcosystem = new Map<string, string[]>();
    for (const pkg of pkgs) {
      const spec = applicable(pkg);
      if (spec === undefined) continue;
      const list = byEcosystem.get(spec.osv) ?? [];
      list.push(...lookupNamesOf(pkg, spec));
      byEcosystem.set(spec.osv, list);
    }
    for (const [ecosystem, names] of byEcosystem) store.prefetchAffected(ecosystem, names);
  },
  match(pkg, store) {
    const spec = applicable(pkg);
    const scheme = spec === undefined ? undefined : schemeFor(spec.osv);
    if (spec === undefined || scheme === undefined) return emptyMatchResult();
    const names = lookupNamesOf(pkg, spec);
    const rows =
      names.length === 1
        ? store.affected(spec.osv, names[0]!)
        : names.flatMap((n) => store.affected(spec.osv, n));
    return evaluateRows(pkg, scheme, rows, rowSpecOf(spec));
  },
} satisfies Matcher;
