/**
 * The human table: findings grouped by package under "BASE IMAGE" / "YOUR LAYERS" (from the layer that
 * introduced the package), each package headed by name, installed version, type and layer, its
 * vulnerabilities most severe first; then the packages whose versions could not be compared, and a
 * summary line. Severities are coloured only when `opts.color` (a TTY).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { paint, type Colour } from '../../cli/ui/output.js';
import type { Package } from '../../catalog/model.js';
import type { Finding, FindingLayer, NotComparable, ScanResult } from '../../match/model.js';
import type { SeverityLevel } from '../../vulndb/model.js';
import { findingsByPackage, type PackageFindings } from '../order.js';
import type { ReportWriter } from '../report.js';
import { countFindings, epssPercent, fixLabel, imageLabel, summaryLine } from '../summary.js';

const GAP = '  ';
const LAYER_INDENT = '  ';
const PACKAGE_INDENT = '    ';
const ROW_INDENT = '      ';
const MAX_CREATED_BY = 72;
const SHORT_DIGEST_HEX = 12;
const HEADER = ['ID', 'SEVERITY', 'FIX', 'KEV', 'EPSS'];

const SEVERITY_COLOUR: Record<SeverityLevel, Colour[]> = {
  critical: ['red', 'bold'],
  high: ['red'],
  medium: ['yellow'],
  low: ['blue'],
  negligible: ['gray'],
  unknown: ['gray'],
};

type Section = 'BASE IMAGE' | 'YOUR LAYERS' | 'LAYER UNKNOWN';
const SECTIONS: readonly Section[] = ['BASE IMAGE', 'YOUR LAYERS', 'LAYER UNKNOWN'];

function sectionOf(f: Finding): Section {
  if (f.introducedInLayer === undefined) return 'LAYER UNKNOWN';
  return f.introducedInLayer.baseImage === true ? 'BASE IMAGE' : 'YOUR LAYERS';
}

function idCell(f: Finding): string {
  const n = f.vulnerability.aliases.length;
  return n > 0 ? `${f.vulnerability.id} (+${n})` : f.vulnerability.id;
}

function rowOf(f: Finding): string[] {
  return [idCell(f), f.severity, fixLabel(f), f.vulnerability.kev ? 'KEV' : '', epssPercent(f)];
}

function shorten(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function packageHeading(p: Package, color: boolean): string {
  return `${PACKAGE_INDENT}${paint(color, 'bold', `${p.name} ${p.version}`)} (${p.type})`;
}

function layerHeading(layer: FindingLayer | undefined): string {
  if (layer === undefined) return 'layer unknown';
  const digest = layer.digest.replace(/^sha256:/, '').slice(0, SHORT_DIGEST_HEX);
  const createdBy = layer.createdBy !== undefined ? `  ${shorten(layer.createdBy, MAX_CREATED_BY)}` : '';
  return `layer ${layer.index}  ${digest}${createdBy}`;
}

/** A row padded to `widths`; the severity cell is coloured after padding so ANSI codes do not skew it. */
function formatRow(
  cells: readonly string[],
  widths: readonly number[],
  severity: SeverityLevel | undefined,
  color: boolean,
): string {
  const padded = cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)));
  if (severity !== undefined && color) {
    padded[1] = SEVERITY_COLOUR[severity].reduce((s, c) => paint(true, c, s), padded[1]!);
  }
  return `${ROW_INDENT}${padded.join(GAP)}`.trimEnd();
}

/** One section: a heading per layer, under it each package and its findings. */
function sectionLines(
  section: Section,
  groups: readonly PackageFindings[],
  widths: readonly number[],
  color: boolean,
): string[] {
  const lines = ['', paint(color, 'bold', section), formatRow(HEADER, widths, undefined, false)];
  let layer: number | undefined = -1;
  for (const g of groups) {
    const l = g.findings[0]!.introducedInLayer;
    if (l?.index !== layer) lines.push(`${LAYER_INDENT}${paint(color, 'gray', layerHeading(l))}`);
    layer = l?.index;
    lines.push(packageHeading(g.package, color));
    for (const f of g.findings) lines.push(formatRow(rowOf(f), widths, f.severity, color));
  }
  return lines;
}

function findingLines(groups: readonly PackageFindings[], color: boolean): string[] {
  const all = groups.flatMap((g) => g.findings.map(rowOf));
  const widths = HEADER.map((h, i) => Math.max(h.length, ...all.map((r) => r[i]!.length)));
  return SECTIONS.flatMap((section) => {
    const inSection = groups.filter((g) => sectionOf(g.findings[0]!) === section);
    return inSection.length === 0 ? [] : sectionLines(section, inSection, widths, color);
  });
}

function notComparableLines(items: readonly NotComparable[], color: boolean): string[] {
  if (items.length === 0) return [];
  const sorted = [...items].sort((a, b) =>
    a.package.name < b.package.name ? -1 : a.package.name > b.package.name ? 1 : 0,
  );
  return [
    '',
    paint(color, 'bold', 'NOT COMPARABLE (version not understood: these packages were not matched)'),
    ...sorted.map(
      (n) =>
        `${LAYER_INDENT}${n.package.name} ${n.package.version} (${n.package.type}, ${n.scheme}): ${n.reason}`,
    ),
  ];
}

export function renderTable(result: ScanResult, color: boolean): string[] {
  const { image, distro } = result.sbom;
  const os = distro
    ? ` (${distro.prettyName ?? [distro.id, distro.versionId].filter(Boolean).join(' ')})`
    : '';
  const lines = [paint(color, 'bold', `${imageLabel(image)}${os}`)];
  const groups = findingsByPackage(result.findings);
  if (groups.length === 0) lines.push('', 'No vulnerabilities found.');
  lines.push(...findingLines(groups, color), ...notComparableLines(result.notComparable, color));
  lines.push('', summaryLine(countFindings(result.findings)));
  if (result.suppressed !== undefined && result.suppressed.length > 0)
    lines.push(`${result.suppressed.length} suppressed (--ignore-file / --vex; listed in -o json)`);
  return lines;
}

export const table = {
  id: 'table',
  description: 'human-readable table grouped by package, with a summary line',
  contentType: 'text/plain; charset=utf-8',
  async write(result: ScanResult, out: Writable, opts) {
    if (!out.write(`${renderTable(result, opts.color).join('\n')}\n`)) await once(out, 'drain');
  },
} satisfies ReportWriter;
