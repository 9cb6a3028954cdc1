/**
 * JUnit XML for Jenkins (junit plugin) and other CI test reporters: one `<testsuite>` per vulnerable
 * package, one `<testcase>` per (vulnerability, package). A test case fails when its severity is at or
 * above `failOn`; without `failOn` every finding fails. Passing cases carry their details in
 * `<system-out>`, failing ones in the `<failure>` body.
 *
 * ref. https://github.com/jenkinsci/junit-plugin (src/main/resources/hudson/tasks/junit/), the Ant
 * JUnit report format that it reads.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Finding, ScanResult } from '../../match/model.js';
import { findingsByPackage, type PackageFindings } from '../order.js';
import type { ReportOptions, ReportWriter } from '../report.js';
import { epssPercent, fixLabel, imageLabel, reachesThreshold, solutionText } from '../summary.js';
import { attrs, xmlText } from './xml.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** Test cases are instantaneous: nothing ran. */
const ZERO_TIME = '0';

/** `2024-06-02T10:15:04.512Z` → `2024-06-02T10:15:04` (the Ant schema's timestamp has no zone). */
export function junitTimestamp(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

function fails(f: Finding, opts: ReportOptions): boolean {
  return opts.failOn === undefined || reachesThreshold(f.severity, opts.failOn);
}

function details(f: Finding): string {
  const v = f.vulnerability;
  const p = f.package;
  const lines = [
    `${v.id}${v.aliases.length > 0 ? ` (also ${v.aliases.join(', ')})` : ''}: ${f.severity}`,
    ...(v.summary !== undefined ? [v.summary] : []),
    `Package: ${p.name} ${p.version} (${p.purl})`,
    ...p.locations.slice(0, 1).map((l) => `Path: ${l.path}`),
    ...(f.introducedInLayer
      ? [
          `Layer: ${f.introducedInLayer.index}${f.introducedInLayer.baseImage === true ? ' (base image)' : ''}`,
        ]
      : []),
    `Fix: ${fixLabel(f)}. ${solutionText(f)}`,
    ...v.severities.map(
      (s) =>
        `Rating: ${s.source} ${s.level}${s.score !== undefined ? ` ${s.score}` : ''}${s.vector !== undefined ? ` ${s.vector}` : ''}`,
    ),
    ...(v.kev ? [`CISA KEV: added ${v.kev.dateAdded}`] : []),
    ...(v.epss ? [`EPSS: ${epssPercent(f)}`] : []),
    ...v.references.map((r) => `Reference: ${r.url}`),
  ];
  return lines.join('\n');
}

function testcase(f: Finding, opts: ReportOptions): string {
  const p = f.package;
  const head = `    <testcase${attrs([
    ['name', f.vulnerability.id],
    ['classname', `${p.type}.${p.name}`],
    ['time', ZERO_TIME],
  ])}>\n`;
  const body = fails(f, opts)
    ? `      <failure${attrs([
        ['message', `${f.vulnerability.id} (${f.severity}) in ${p.name} ${p.version}: fix ${fixLabel(f)}`],
        ['type', f.severity],
      ])}>${xmlText(details(f))}</failure>\n`
    : `      <system-out>${xmlText(details(f))}</system-out>\n`;
  return `${head}${body}    </testcase>\n`;
}

function testsuite(g: PackageFindings, timestamp: string | undefined, opts: ReportOptions): string {
  const p = g.package;
  const failures = g.findings.filter((f) => fails(f, opts)).length;
  const head = `  <testsuite${attrs([
    ['name', `${p.type}/${p.name}@${p.version}`],
    ['tests', g.findings.length],
    ['failures', failures],
    ['errors', 0],
    ['skipped', 0],
    ['time', ZERO_TIME],
    ['timestamp', timestamp],
  ])}>\n`;
  const props = [
    ['purl', p.purl],
    ['path', p.locations[0]?.path],
    ['layer', g.findings[0]?.introducedInLayer?.index],
  ] as const;
  const propLines = props
    .filter(([, v]) => v !== undefined)
    .map(
      ([k, v]) =>
        `      <property${attrs([
          ['name', k],
          ['value', v],
        ])}/>\n`,
    )
    .join('');
  return `${head}    <properties>\n${propLines}    </properties>\n${g.findings.map((f) => testcase(f, opts)).join('')}  </testsuite>\n`;
}

/**
 * With no findings, one passing test case: Jenkins' `junit` step fails a build whose reports hold no
 * test case at all ("None of the test reports contained any result").
 */
function cleanSuite(name: string, timestamp: string | undefined): string {
  const suite = attrs([
    ['name', name],
    ['tests', 1],
    ['failures', 0],
    ['errors', 0],
    ['skipped', 0],
    ['time', ZERO_TIME],
    ['timestamp', timestamp],
  ]);
  const testcase = attrs([
    ['name', 'no known vulnerabilities'],
    ['classname', 'corral.scan'],
    ['time', ZERO_TIME],
  ]);
  return `  <testsuite${suite}>\n    <testcase${testcase}/>\n  </testsuite>\n`;
}

async function writeJunit(result: ScanResult, out: Writable, opts: ReportOptions): Promise<void> {
  const groups = findingsByPackage(result.findings);
  const failures = result.findings.filter((f) => fails(f, opts)).length;
  const timestamp = junitTimestamp(result.scannedAt);
  const name = `corral scan ${imageLabel(result.sbom.image)}`;
  const tests = Math.max(result.findings.length, 1);
  const root = `<testsuites${attrs([
    ['name', name],
    ['tests', tests],
    ['failures', failures],
    ['errors', 0],
    ['time', ZERO_TIME],
  ])}>\n`;
  const suites =
    groups.length > 0 ? groups.map((g) => testsuite(g, timestamp, opts)) : [cleanSuite(name, timestamp)];
  const chunks = [XML_DECLARATION + root, ...suites, '</testsuites>\n'];
  for (const c of chunks) if (!out.write(c)) await once(out, 'drain');
}

export const junit = {
  id: 'junit',
  description: 'JUnit XML (Jenkins, GitLab test reports): one test case per vulnerability and package',
  contentType: 'application/xml',
  write: writeJunit,
} satisfies ReportWriter;
