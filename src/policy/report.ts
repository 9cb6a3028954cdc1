/**
 * Writers of a {@link PolicyResult}: a table for people, JSON for tools, SARIF 2.1.0 (one result per
 * rule, `kind: pass|fail`) for code scanning, JUnit XML (one test case per rule; failed deny rules are
 * failures, failed warn rules are reported in `system-out` and pass) for CI test reports.
 */
import { attrs, xmlText } from '../report/junit/xml.js';
import { SARIF_SCHEMA_URI, SARIF_VERSION } from '../report/sarif/log.js';
import { CORRAL_TOOL } from '../report/tool.js';
import type { PolicyResult, RuleResult } from './model.js';

export const POLICY_FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

/** Evidence shown in the table per rule; JSON/SARIF carry all of it. */
const TABLE_EVIDENCE = 5;
const EVIDENCE_WIDTH = 160;

function status(r: RuleResult): string {
  if (r.pass) return 'PASS';
  return r.action === 'deny' ? 'FAIL' : 'WARN';
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > EVIDENCE_WIDTH ? `${s.slice(0, EVIDENCE_WIDTH - 1)}…` : s;
}

export function policyTable(result: PolicyResult): string {
  const lines = [`policy: environment ${result.env}, image ${result.image}`, ''];
  const idWidth = Math.max(4, ...result.rules.map((r) => r.id.length));
  for (const r of result.rules) {
    lines.push(
      `${status(r).padEnd(4)}  ${r.id.padEnd(idWidth)}  ${r.kind.padEnd(15)} ${r.action.padEnd(4)}  ${r.message}`,
    );
    if (!r.pass)
      for (const e of r.evidence.slice(0, TABLE_EVIDENCE))
        lines.push(`${' '.repeat(idWidth + 8)}- ${short(e)}`);
    if (!r.pass && r.evidence.length > TABLE_EVIDENCE)
      lines.push(`${' '.repeat(idWidth + 8)}… ${r.evidence.length - TABLE_EVIDENCE} more (-o json)`);
  }
  const denied = result.rules.filter((r) => !r.pass && r.action === 'deny').length;
  const warned = result.rules.filter((r) => !r.pass && r.action === 'warn').length;
  lines.push(
    '',
    `${result.pass ? 'PASSED' : 'FAILED'}: ${result.rules.length} rule(s), ${denied} denied, ${warned} warning(s)`,
  );
  return `${lines.join('\n')}\n`;
}

export function policySarif(result: PolicyResult): Record<string, unknown> {
  const uniq = [...new Map(result.rules.map((r) => [r.id, r])).values()];
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: CORRAL_TOOL.name,
            version: CORRAL_TOOL.version,
            informationUri: CORRAL_TOOL.informationUri,
            rules: uniq.map((r) => ({
              id: r.id,
              name: r.kind,
              shortDescription: { text: r.description ?? `${r.kind} rule ${r.id}` },
              defaultConfiguration: { level: r.action === 'deny' ? 'error' : 'warning' },
            })),
          },
        },
        automationDetails: { id: `corral-policy/${result.env}/` },
        results: result.rules.map((r) => ({
          ruleId: r.id,
          kind: r.pass ? 'pass' : 'fail',
          level: r.pass ? 'none' : r.action === 'deny' ? 'error' : 'warning',
          message: { text: r.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: result.image } } }],
          properties: { env: result.env, action: r.action, evidence: r.evidence },
        })),
        properties: { env: result.env, pass: result.pass },
      },
    ],
  };
}

export function policyJunit(result: PolicyResult): string {
  const failures = result.rules.filter((r) => !r.pass && r.action === 'deny').length;
  const suite = attrs([
    ['name', `corral policy ${result.env} ${result.image}`],
    ['tests', result.rules.length],
    ['failures', failures],
    ['errors', 0],
    ['skipped', 0],
  ]);
  const cases = result.rules.map((r) => {
    const head = `    <testcase${attrs([
      ['name', r.id],
      ['classname', `corral.policy.${result.env}.${r.kind}`],
    ])}`;
    if (r.pass) return `${head}/>\n`;
    const evidence = xmlText(JSON.stringify(r.evidence, null, 2));
    const body =
      r.action === 'deny'
        ? `      <failure${attrs([
            ['message', r.message],
            ['type', r.kind],
          ])}>${evidence}</failure>\n`
        : `      <system-out>${xmlText(`warning: ${r.message}\n`)}${evidence}</system-out>\n`;
    return `${head}>\n${body}    </testcase>\n`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs([
    ['tests', result.rules.length],
    ['failures', failures],
  ])}>\n  <testsuite${suite}>\n${cases.join('')}  </testsuite>\n</testsuites>\n`;
}

export function formatPolicyResult(result: PolicyResult, format: PolicyFormat): string {
  switch (format) {
    case 'table':
      return policyTable(result);
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(policySarif(result), null, 2)}\n`;
    case 'junit':
      return policyJunit(result);
  }
}
