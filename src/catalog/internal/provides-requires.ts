/**
 * `depends-on` relationships inside one package database (dpkg `Depends`/`Provides`, apk `D:`/`p:`),
 * resolved by name or by a virtual name a package provides (syft
 * `pkg/cataloger/internal/dependency`). Dependencies nothing installed provides are left out: the
 * catalog reports what is there, not what is missing.
 */
import type { Relationship } from '../model.js';

export interface DependencyNode {
  /** purl of the package (relationships are named by purl inside a CatalogResult). */
  purl: string;
  arch?: string | undefined;
  /** The package name plus every name it provides, version constraints removed. */
  provides: readonly string[];
  /** One entry per dependency; each lists alternatives (`a | b`), the first one installed wins. */
  requires: readonly (readonly string[])[];
}

/** Architectures that satisfy a dependency from any architecture. */
const ARCH_INDEPENDENT = new Set(['all', 'noarch']);

function pickProviders(providers: readonly DependencyNode[], arch: string | undefined): DependencyNode[] {
  if (providers.length < 2 || arch === undefined) return [...providers];
  // multi-arch databases (libc6:amd64 and libc6:i386) list the same name twice: prefer the same arch
  const same = providers.filter(
    (p) => p.arch === arch || (p.arch !== undefined && ARCH_INDEPENDENT.has(p.arch)),
  );
  return same.length > 0 ? same : [...providers];
}

/**
 * @example
 * dependsOn([{ purl: 'pkg:apk/alpine/bash@5', provides: ['bash'], requires: [['/bin/sh']] },
 *            { purl: 'pkg:apk/alpine/busybox-binsh@1', provides: ['busybox-binsh', '/bin/sh'], requires: [] }])
 * // [{ from: 'pkg:apk/alpine/bash@5', to: 'pkg:apk/alpine/busybox-binsh@1', type: 'depends-on' }]
 */
export function dependsOn(nodes: readonly DependencyNode[]): Relationship[] {
  const byName = new Map<string, DependencyNode[]>();
  for (const node of nodes) {
    for (const name of new Set(node.provides)) {
      const list = byName.get(name);
      if (list) list.push(node);
      else byName.set(name, [node]);
    }
  }
  const seen = new Set<string>();
  const out: Relationship[] = [];
  for (const node of nodes) {
    for (const alternatives of node.requires) {
      const found = alternatives.map((a) => byName.get(a)).find((list) => list !== undefined);
      for (const target of pickProviders(found ?? [], node.arch)) {
        const key = `${node.purl}\0${target.purl}`;
        if (target === node || seen.has(key)) continue;
        seen.add(key);
        out.push({ from: node.purl, to: target.purl, type: 'depends-on' });
      }
    }
  }
  return out;
}
