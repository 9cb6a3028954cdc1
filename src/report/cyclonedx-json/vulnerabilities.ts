/**
 * Findings as CycloneDX 1.6 `vulnerabilities`: one entry per vulnerability id and analysis (findings of
 * one id whose fix state, note and severity agree share an entry and list every package in `affects`).
 * `affects[].ref` is the package component's bom-ref (`Package.id`); the installed version is listed as
 * `affected` and the fixed-in version as `unaffected`. Aliases go to `references`, every rating to
 * `ratings`, fix states to `analysis` (VEX).
 *
 * ref. https://cyclonedx.org/docs/1.6/json/#vulnerabilities
 */
import type { Finding } from '../../match/model.js';
import type { FixState, SeverityLevel, SeverityRating } from '../../vulndb/model.js';
import { advisorySource, cweNumber } from '../advisory-links.js';
import { findingsByVulnerability } from '../order.js';
import { solutionText } from '../summary.js';

type CdxSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info' | 'none' | 'unknown';
type CdxMethod = 'CVSSv2' | 'CVSSv3' | 'CVSSv31' | 'CVSSv4' | 'other';
type CdxState = 'resolved' | 'exploitable' | 'in_triage' | 'false_positive' | 'not_affected';
type CdxResponse = 'can_not_fix' | 'will_not_fix' | 'update' | 'rollback' | 'workaround_available';

/** Debian's "unimportant" (our `negligible`) is what CycloneDX calls an informational rating. */
const SEVERITY: Record<SeverityLevel, CdxSeverity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  unknown: 'unknown',
};

/**
 * The VEX analysis of each fix state. Every reported state is affected (`exploitable`: "may be directly
 * or indirectly exploitable"); the response says what the supplier does about it: `update` when a fixed
 * version exists, `will_not_fix` when the distro decided not to fix, `update` for an end-of-life release
 * (the remedy is moving to a supported release), none while a fix is pending. `unknown` is `in_triage`.
 */
const ANALYSIS: Record<FixState, { state: CdxState; response: CdxResponse[] }> = {
  fixed: { state: 'exploitable', response: ['update'] },
  'not-fixed': { state: 'exploitable', response: [] },
  'wont-fix': { state: 'exploitable', response: ['will_not_fix'] },
  'end-of-life': { state: 'exploitable', response: ['update'] },
  'not-affected': { state: 'not_affected', response: [] },
  unknown: { state: 'in_triage', response: [] },
};

const ANALYSIS_DETAIL: Record<FixState, string> = {
  fixed: 'A fixed version is available.',
  'not-fixed': 'No fixed version is available yet.',
  'wont-fix': 'The distribution will not fix this vulnerability in this release.',
  'end-of-life':
    'The release is end-of-life and gets no more security fixes; upgrade to a supported release.',
  'not-affected': 'Not affected.',
  unknown: 'The fix state is unknown.',
};

export function cdxMethod(r: SeverityRating): CdxMethod {
  const type = r.type?.toUpperCase();
  if (type === 'CVSS_V4' || r.vector?.startsWith('CVSS:4.')) return 'CVSSv4';
  if (r.vector?.startsWith('CVSS:3.1')) return 'CVSSv31';
  if (type === 'CVSS_V3' || r.vector?.startsWith('CVSS:3.')) return 'CVSSv3';
  if (type === 'CVSS_V2') return 'CVSSv2';
  return 'other';
}

/** The page of `id` at the rating's source, for the sources that have one. */
function ratingSourceUrl(source: string, id: string): string | undefined {
  if (source === 'nvd' && id.startsWith('CVE-')) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (source === 'debian') return `https://security-tracker.debian.org/tracker/${id}`;
  return undefined;
}

function rating(r: SeverityRating, id: string): Record<string, unknown> {
  const url = ratingSourceUrl(r.source, id);
  return {
    source: { name: r.source, ...(url !== undefined && { url }) },
    ...(r.score !== undefined && { score: r.score }),
    severity: SEVERITY[r.level],
    method: cdxMethod(r),
    ...(r.vector !== undefined && { vector: r.vector }),
  };
}

/** An ISO date or date-time as a JSON Schema `date-time`; undefined when it is neither. */
export function isoDateTime(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = /^\d{4}-\d\d-\d\d$/.test(s) ? `${s}T00:00:00Z` : s;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(t)
    ? undefined
    : t;
}

function properties(f: Finding): Array<{ name: string; value: string }> {
  const v = f.vulnerability;
  const out: Array<{ name: string; value: string }> = [
    { name: 'corral:finding:severity', value: f.severity },
    { name: 'corral:finding:fixState', value: f.fixState },
  ];
  if (v.kev) {
    out.push({ name: 'corral:kev:dateAdded', value: v.kev.dateAdded });
    if (v.kev.dueDate !== undefined) out.push({ name: 'corral:kev:dueDate', value: v.kev.dueDate });
    out.push({ name: 'corral:kev:knownRansomware', value: String(v.kev.knownRansomware) });
  }
  if (v.epss) {
    out.push({ name: 'corral:epss:score', value: String(v.epss.score) });
    out.push({ name: 'corral:epss:percentile', value: String(v.epss.percentile) });
    out.push({ name: 'corral:epss:date', value: v.epss.date });
  }
  return out;
}

/** One entry per package (the schema wants `affects` items unique). */
function affects(findings: readonly Finding[]): Array<Record<string, unknown>> {
  const byPackage = new Map(findings.map((f) => [f.package.id, f]));
  return [...byPackage.values()].map((f) => ({
    ref: f.package.id,
    versions: [
      ...(f.package.version !== '' ? [{ version: f.package.version, status: 'affected' }] : []),
      ...(f.fixState === 'fixed' && f.fixedIn !== undefined
        ? [{ version: f.fixedIn, status: 'unaffected' }]
        : []),
    ],
  }));
}

function analysis(f: Finding): Record<string, unknown> {
  const a = ANALYSIS[f.fixState];
  const note = f.note !== undefined && f.note !== '' ? ` ${f.note}` : '';
  return {
    state: a.state,
    ...(a.response.length > 0 && { response: a.response }),
    detail: `${ANALYSIS_DETAIL[f.fixState]}${note}`,
  };
}

function vulnerability(bomRef: string, findings: readonly Finding[]): Record<string, unknown> {
  const f = findings[0]!;
  const v = f.vulnerability;
  const src = advisorySource(v.id);
  const cwes = [...new Set(v.cwes.map(cweNumber).filter((n) => n !== undefined))].sort((a, b) => a - b);
  const published = isoDateTime(v.published);
  const fixes = findings.filter((x) => x.fixState === 'fixed').map(solutionText);
  return {
    'bom-ref': bomRef,
    id: v.id,
    source: { name: src.name, ...(src.url !== undefined && { url: src.url }) },
    ...(v.aliases.length > 0 && {
      references: v.aliases.map((a) => {
        const s = advisorySource(a);
        return { id: a, source: { name: s.name, ...(s.url !== undefined && { url: s.url }) } };
      }),
    }),
    ratings: v.severities.map((r) => rating(r, v.id)),
    ...(cwes.length > 0 && { cwes }),
    ...(v.summary !== undefined && { description: v.summary }),
    ...(fixes.length > 0 && { recommendation: fixes.join(' ') }),
    ...(v.references.length > 0 && { advisories: v.references.map((r) => ({ url: r.url })) }),
    ...(published !== undefined && { published }),
    analysis: analysis(f),
    affects: affects(findings),
    properties: properties(f),
  };
}

/** Findings of one id split by what their entry states once (analysis and severity). */
function entryGroups(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = [f.fixState, f.note ?? '', f.severity].join('\0');
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()];
}

/** The `vulnerabilities` array, ordered by id; bom-refs are `vuln:<id>` (then `vuln:<id>:2`, …). */
export function* cdxVulnerabilities(findings: readonly Finding[]): Generator<Record<string, unknown>> {
  for (const [id, list] of findingsByVulnerability(findings)) {
    for (const [i, group] of entryGroups(list).entries()) {
      yield vulnerability(i === 0 ? `vuln:${id}` : `vuln:${id}:${i + 1}`, group);
    }
  }
}
