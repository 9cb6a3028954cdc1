/**
 * A Markdown summary for pull/merge-request comments (GitHub and GitLab flavoured): counts by severity,
 * the gate result when `failOn` is set, the most severe critical/high findings with their fix, and every
 * finding in a collapsed `<details>` block. All feed text is escaped (markdown-escape.ts).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { SEVERITY_ORDER, type Finding, type ScanResult } from '../../match/model.js';
import type { SeverityLevel } from '../../vulndb/model.js';
import { advisorySource } from '../advisory-links.js';
import { mdCell, mdLink, mdParagraph, mdTable, mdText } from '../markdown-escape.js';
import { sortedFindings } from '../order.js';
import type { ReportOptions, ReportWriter } from '../report.js';
import {
  countFindings,
  epssPercent,
  fixLabel,
  imageLabel,
  isFixable,
  reachesThreshold,
  summaryLine,
} from '../summary.js';

/** How many critical/high findings the comment lists before the collapsed details. */
export const TOP_FINDINGS = 10;
/** Rows of the collapsed list, keeping the comment well under GitHub's 65,536-character limit. */
export const MAX_DETAIL_ROWS = 200;

const title = (s: SeverityLevel): string => s.charAt(0).toUpperCase() + s.slice(1);

function idLink(f: Finding): string {
  return mdLink(f.vulnerability.id, advisorySource(f.vulnerability.id).url);
}

function layerCell(f: Finding): string {
  const l = f.introducedInLayer;
  if (l === undefined) return '—';
  return l.baseImage === true ? `${l.index} (base image)` : String(l.index);
}

function countsTable(findings: readonly Finding[]): string[] {
  const rows = SEVERITY_ORDER.map((s) => {
    const of = findings.filter((f) => f.severity === s);
    return [title(s), String(of.length), String(of.filter(isFixable).length)];
  }).filter((r, i) => r[1] !== '0' || i < 4);
  const total = ['**Total**', `**${findings.length}**`, `**${findings.filter(isFixable).length}**`];
  return mdTable(['Severity', 'Findings', 'Fixable'], [...rows, total], [1, 2]);
}

function gateLines(findings: readonly Finding[], opts: ReportOptions): string[] {
  if (opts.failOn === undefined) return [];
  const failOn = opts.failOn;
  const over = findings.filter((f) => reachesThreshold(f.severity, failOn)).length;
  return over > 0
    ? [
        '',
        `:x: **Gate failed**: ${over} finding${over === 1 ? '' : 's'} at or above \`${failOn}\` (\`--fail-on ${failOn}\`).`,
      ]
    : ['', `:white_check_mark: **Gate passed**: no finding at or above \`${failOn}\`.`];
}

function topTable(findings: readonly Finding[]): string[] {
  const severe = findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  if (severe.length === 0) return [];
  const rows = severe
    .slice(0, TOP_FINDINGS)
    .map((f) => [
      idLink(f),
      mdCell(f.package.name),
      mdCell(f.package.version),
      mdCell(fixLabel(f)),
      title(f.severity),
      f.vulnerability.kev ? 'yes' : '',
      epssPercent(f),
    ]);
  const more = severe.length - rows.length;
  return [
    '',
    `### Critical and high${severe.length > TOP_FINDINGS ? ` (top ${TOP_FINDINGS})` : ''}`,
    '',
    ...mdTable(['ID', 'Package', 'Installed', 'Fixed in', 'Severity', 'KEV', 'EPSS'], rows, [6]),
    ...(more > 0 ? ['', `…and ${more} more critical or high finding${more === 1 ? '' : 's'} below.`] : []),
  ];
}

function detailsBlock(findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  const rows = findings
    .slice(0, MAX_DETAIL_ROWS)
    .map((f) => [
      idLink(f),
      mdCell(f.package.name),
      mdCell(f.package.version),
      f.package.type,
      mdCell(fixLabel(f)),
      title(f.severity),
      layerCell(f),
    ]);
  return [
    '',
    '<details>',
    `<summary>All ${findings.length} finding${findings.length === 1 ? '' : 's'}</summary>`,
    '',
    ...mdTable(['ID', 'Package', 'Installed', 'Type', 'Fixed in', 'Severity', 'Layer'], rows),
    ...(findings.length > rows.length
      ? ['', `…and ${findings.length - rows.length} more: see the JSON or SARIF report.`]
      : []),
    '',
    '</details>',
  ];
}

function notComparableBlock(result: ScanResult): string[] {
  const n = result.notComparable;
  if (n.length === 0) return [];
  const rows = n.map((x) => [
    mdCell(x.package.name),
    mdCell(x.package.version),
    x.package.type,
    mdCell(x.reason),
  ]);
  return [
    '',
    '<details>',
    `<summary>${n.length} package${n.length === 1 ? '' : 's'} not checked: version not comparable</summary>`,
    '',
    ...mdTable(['Package', 'Version', 'Type', 'Reason'], rows),
    '',
    '</details>',
  ];
}

export function renderMarkdown(result: ScanResult, opts: ReportOptions): string {
  const findings = sortedFindings(result.findings);
  const { image, distro } = result.sbom;
  const facts = [distro?.prettyName ?? distro?.id, image.digest, `scanned ${result.scannedAt}`].filter(
    (s) => s !== undefined,
  );
  const lines = [
    `## Corral scan: ${mdText(imageLabel(image))}`,
    '',
    mdParagraph(facts.join(' · ')),
    '',
    `**${mdText(summaryLine(countFindings(findings)))}**`,
    ...gateLines(findings, opts),
    ...(findings.length > 0 ? ['', ...countsTable(findings)] : []),
    ...topTable(findings),
    ...detailsBlock(findings),
    ...notComparableBlock(result),
  ];
  return `${lines.join('\n')}\n`;
}

export const markdown = {
  id: 'markdown',
  description: 'Markdown summary for pull/merge request comments',
  contentType: 'text/markdown; charset=utf-8',
  async write(result: ScanResult, out: Writable, opts: ReportOptions) {
    if (!out.write(renderMarkdown(result, opts))) await once(out, 'drain');
  },
} satisfies ReportWriter;
