/**
 * What every human-facing report says the same way: counts by severity, what is fixable, what is in KEV,
 * how a finding's fix is described, and whether a finding reaches the `--fail-on` threshold.
 */
import { SEVERITY_ORDER, severityRank, type Finding } from '../match/model.js';
import type { SeverityLevel } from '../vulndb/model.js';

export interface FindingCounts {
  total: number;
  bySeverity: Record<SeverityLevel, number>;
  /** Findings with a fixed-in version. */
  fixable: number;
  /** Findings whose vulnerability is in CISA KEV. */
  kev: number;
  /** Distinct packages with at least one finding. */
  packages: number;
}

/** A finding is fixable when the feed names a version that fixes it. */
export function isFixable(f: Finding): boolean {
  return f.fixState === 'fixed' && f.fixedIn !== undefined;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<SeverityLevel, number>;
  for (const f of findings) bySeverity[f.severity] += 1;
  return {
    total: findings.length,
    bySeverity,
    fixable: findings.filter(isFixable).length,
    kev: findings.filter((f) => f.vulnerability.kev !== undefined).length,
    packages: new Set(findings.map((f) => f.package.id)).size,
  };
}

/** True when `severity` is at or above the `--fail-on` threshold. */
export function reachesThreshold(severity: SeverityLevel, failOn: SeverityLevel): boolean {
  return severityRank(severity) >= severityRank(failOn);
}

/**
 * The short fix column: the fixed-in version, or the state (`not-fixed`, `wont-fix`, `end-of-life`,
 * `unknown`) when there is none.
 *
 * @example
 * fixLabel({ fixState: 'fixed', fixedIn: '4.17.21', … }) // '4.17.21'
 * fixLabel({ fixState: 'wont-fix', … })                 // 'wont-fix'
 */
export function fixLabel(f: Pick<Finding, 'fixState' | 'fixedIn'>): string {
  return f.fixState === 'fixed' && f.fixedIn !== undefined ? f.fixedIn : f.fixState;
}

/** One sentence on what to do about a finding (GitLab `solution`, SARIF help, Markdown details). */
export function solutionText(f: Finding): string {
  const name = f.package.name;
  switch (f.fixState) {
    case 'fixed':
      return f.fixedIn !== undefined
        ? `Upgrade ${name} to ${f.fixedIn} or later.`
        : `A fix exists for ${name}; upgrade it.`;
    case 'not-fixed':
      return `No fixed version of ${name} is available yet.`;
    case 'wont-fix':
      return `The distribution will not fix ${name} for this vulnerability${noteSuffix(f)}.`;
    case 'end-of-life':
      return `${name} gets no more security fixes in this release${noteSuffix(f)}; move to a supported release.`;
    case 'not-affected':
      return `${name} is not affected${noteSuffix(f)}.`;
    case 'unknown':
      return `The fix state of ${name} is unknown.`;
  }
}

function noteSuffix(f: Finding): string {
  return f.note !== undefined && f.note !== '' ? ` (${f.note})` : '';
}

/** `75.2%` for an EPSS probability of 0.752, `0.04%` for 0.00043; empty when there is none. */
export function epssPercent(f: Finding): string {
  const e = f.vulnerability.epss;
  if (e === undefined) return '';
  const pct = e.score * 100;
  return `${pct.toFixed(pct < 1 ? 2 : 1)}%`;
}

/**
 * `N vulnerabilities: C critical, H high, M medium, L low — F fixable; K in KEV`; negligible and
 * unknown appear only when there are some.
 */
export function summaryLine(c: FindingCounts): string {
  const parts = SEVERITY_ORDER.filter(
    (s) => c.bySeverity[s] > 0 || (s !== 'negligible' && s !== 'unknown'),
  ).map((s) => `${c.bySeverity[s]} ${s}`);
  const noun = c.total === 1 ? 'vulnerability' : 'vulnerabilities';
  return `${c.total} ${noun}: ${parts.join(', ')} — ${c.fixable} fixable; ${c.kev} in KEV`;
}

/** How an image is named in report titles: its first tag, else the scanned reference. */
export function imageLabel(image: { repoTags: readonly string[]; ref: string }): string {
  return image.repoTags[0] ?? image.ref;
}
