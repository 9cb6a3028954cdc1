/**
 * Deterministic order and grouping of findings shared by every writer, so that all formats list the
 * same findings the same way (goldens diff cleanly; CONVENTIONS.md §2.8 habit 3).
 */
import type { Package } from '../catalog/model.js';
import { severityRank, type Finding } from '../match/model.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Most severe first, then vulnerability id, package name, version and id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.vulnerability.id, b.vulnerability.id) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version) ||
    cmp(a.package.id, b.package.id)
  );
}

export function sortedFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export interface PackageFindings {
  package: Package;
  /** Sorted by {@link compareFindings}. */
  findings: Finding[];
}

/** The layer index that introduced a finding's package; packages with no known layer sort last. */
export function layerIndexOf(f: Finding): number {
  return f.introducedInLayer?.index ?? Number.MAX_SAFE_INTEGER;
}

/** Findings grouped by package id; groups by introducing layer, then type, name, version and id. */
export function findingsByPackage(findings: readonly Finding[]): PackageFindings[] {
  const groups = new Map<string, PackageFindings>();
  for (const f of sortedFindings(findings)) {
    const g = groups.get(f.package.id);
    if (g) g.findings.push(f);
    else groups.set(f.package.id, { package: f.package, findings: [f] });
  }
  return [...groups.values()].sort((a, b) => {
    const fa = a.findings[0]!;
    const fb = b.findings[0]!;
    return (
      layerIndexOf(fa) - layerIndexOf(fb) ||
      cmp(a.package.type, b.package.type) ||
      cmp(a.package.name, b.package.name) ||
      cmp(a.package.version, b.package.version) ||
      cmp(a.package.id, b.package.id)
    );
  });
}

/** Findings grouped by vulnerability id, ids in ascending order, each group sorted. */
export function findingsByVulnerability(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of [...findings].sort(
    (a, b) => cmp(a.vulnerability.id, b.vulnerability.id) || compareFindings(a, b),
  )) {
    const list = out.get(f.vulnerability.id);
    if (list) list.push(f);
    else out.set(f.vulnerability.id, [f]);
  }
  return out;
}
