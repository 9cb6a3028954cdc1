/**
 * `vulnerabilities`: fails when a finding meets EVERY condition given (use several rules for "or").
 * - `maxSeverity`: findings above this severity (critical > high > medium > low) violate;
 * - `onlyWithFix`: consider only findings that have a fixed version;
 * - `kev`: findings in CISA's Known Exploited Vulnerabilities catalogue violate;
 * - `epssAbove`: findings whose EPSS probability is above this (0..1) violate;
 * - `fixAvailableForDays`: findings with a fix whose vulnerability was published at least N days ago
 *   violate. Approximation: the vulndb records when the vulnerability was published, not when its fix
 *   was; a fix cannot predate publication in the feeds we read, so "published ≥ N days ago and fixed"
 *   is the closest measure (it may count a fix as older than it is, never younger than publication).
 * - `ignore`: vulnerability ids (or aliases) this rule does not count.
 */
import { z } from 'zod';
import type { InputFinding } from '../model.js';
import { daysBetween, defineRule } from '../rule-kind.js';

export const POLICY_SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
const RANK: Record<InputFinding['severity'], number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  negligible: 1,
  unknown: 0,
};
/** Evidence lists at most this many findings; the message gives the full count. */
const MAX_EVIDENCE = 50;

const params = z.object({
  kind: z.literal('vulnerabilities'),
  maxSeverity: z.enum(POLICY_SEVERITIES).optional(),
  onlyWithFix: z.boolean().optional(),
  kev: z.boolean().optional(),
  epssAbove: z.number().min(0).max(1).optional(),
  fixAvailableForDays: z.number().int().min(0).optional(),
  ignore: z.array(z.string().min(1)).optional(),
});
type Params = z.infer<typeof params>;

function hasFix(f: InputFinding): boolean {
  return f.fixState === 'fixed' && f.fixedIn !== undefined && f.fixedIn !== '';
}

function violates(rule: Params, f: InputFinding, now: Date): boolean {
  if (rule.onlyWithFix === true && !hasFix(f)) return false;
  if (rule.ignore?.some((id) => id === f.id || f.aliases.includes(id)) === true) return false;
  if (rule.maxSeverity !== undefined && RANK[f.severity] <= RANK[rule.maxSeverity]) return false;
  if (rule.kev === true && !f.kev) return false;
  if (rule.epssAbove !== undefined && !((f.epss ?? 0) > rule.epssAbove)) return false;
  if (rule.fixAvailableForDays !== undefined) {
    if (!hasFix(f) || f.published === undefined) return false;
    const published = new Date(f.published);
    if (Number.isNaN(published.getTime())) return false;
    if (daysBetween(published, now) < rule.fixAvailableForDays) return false;
  }
  return true;
}

function describe(rule: Params): string {
  const parts: string[] = [];
  if (rule.maxSeverity !== undefined) parts.push(`above ${rule.maxSeverity}`);
  if (rule.kev === true) parts.push('known exploited (KEV)');
  if (rule.epssAbove !== undefined) parts.push(`EPSS above ${rule.epssAbove}`);
  if (rule.fixAvailableForDays !== undefined)
    parts.push(`fixed and published at least ${rule.fixAvailableForDays} day(s) ago`);
  if (rule.onlyWithFix === true) parts.push('with a fix');
  return parts.join(', ');
}

export const vulnerabilitiesRule = defineRule({
  kind: 'vulnerabilities',
  summary: 'vulnerability findings by severity, fix, KEV, EPSS and fix age',
  params,
  needs: () => ['findings'],
  prepare(rule) {
    const any =
      rule.maxSeverity !== undefined ||
      rule.kev === true ||
      rule.epssAbove !== undefined ||
      rule.fixAvailableForDays !== undefined;
    const issues = any
      ? []
      : [
          {
            path: [],
            message: 'give at least one of maxSeverity, kev: true, epssAbove, fixAvailableForDays',
          },
        ];
    return Promise.resolve({ issues });
  },
  evaluate(rule, input, ctx) {
    const bad = input.findings.filter((f) => violates(rule, f, ctx.now));
    const what = describe(rule);
    if (bad.length === 0) return { pass: true, message: `no finding ${what}`, evidence: [] };
    const ids = [...new Set(bad.map((f) => f.id))];
    return {
      pass: false,
      message: `${bad.length} finding(s) ${what}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`,
      evidence: bad.slice(0, MAX_EVIDENCE).map((f) => ({
        id: f.id,
        package: `${f.package.name}@${f.package.version}`,
        severity: f.severity,
        ...(f.fixedIn !== undefined && { fixedIn: f.fixedIn }),
        ...(f.kev && { kev: true }),
        ...(f.epss !== undefined && { epss: f.epss }),
      })),
    };
  },
});
