/**
 * The `help` of a SARIF rule (shown by GitHub under "Show more"): what the vulnerability is, which
 * packages it affects and how each one gets fixed, KEV and EPSS, aliases and references; as Markdown
 * and as plain text (SARIF requires `text` whenever `markdown` is given).
 */
import type { Finding } from '../../match/model.js';
import { advisorySource } from '../advisory-links.js';
import { mdCell, mdLink, mdParagraph, mdTable, mdText } from '../markdown-escape.js';
import { epssPercent, fixLabel, solutionText } from '../summary.js';

const MAX_REFERENCES = 10;

function kevLine(f: Finding): string | undefined {
  const k = f.vulnerability.kev;
  if (k === undefined) return undefined;
  const due = k.dueDate !== undefined ? `, due ${k.dueDate}` : '';
  return `In CISA KEV (added ${k.dateAdded}${due}${k.knownRansomware ? ', known ransomware use' : ''}).`;
}

function epssLine(f: Finding): string | undefined {
  const e = f.vulnerability.epss;
  if (e === undefined) return undefined;
  return `EPSS ${epssPercent(f)} (percentile ${(e.percentile * 100).toFixed(0)}, ${e.date}).`;
}

function layerText(f: Finding): string {
  const l = f.introducedInLayer;
  if (l === undefined) return 'unknown';
  return `${l.index}${l.baseImage === true ? ' (base image)' : ''}`;
}

function markdown(id: string, findings: readonly Finding[]): string {
  const v = findings[0]!.vulnerability;
  const aliases = v.aliases.map((a) => mdLink(a, advisorySource(a).url));
  const rows = findings.map((f) => [
    mdCell(f.package.name),
    mdCell(f.package.version),
    mdCell(fixLabel(f)),
    f.severity,
    mdCell(layerText(f)),
  ]);
  const refs = v.references.slice(0, MAX_REFERENCES).map((r) => `- ${mdLink(r.url, r.url)}`);
  return [
    `**${mdLink(id, advisorySource(id).url)}**${aliases.length > 0 ? ` (also ${aliases.join(', ')})` : ''}`,
    ...(v.summary !== undefined ? ['', mdParagraph(v.summary)] : []),
    '',
    ...mdTable(['Package', 'Installed', 'Fixed in', 'Severity', 'Layer'], rows),
    '',
    ...findings.map((f) => `- ${mdText(solutionText(f))}`),
    ...[kevLine(findings[0]!), epssLine(findings[0]!)].filter((s) => s !== undefined).map((s) => `\n${s}`),
    ...(refs.length > 0 ? ['', 'References:', ...refs] : []),
  ].join('\n');
}

function text(id: string, findings: readonly Finding[]): string {
  const v = findings[0]!.vulnerability;
  return [
    `${id}${v.aliases.length > 0 ? ` (also ${v.aliases.join(', ')})` : ''}${v.summary !== undefined ? `: ${v.summary}` : ''}`,
    ...findings.map((f) => `${f.package.name} ${f.package.version}: ${solutionText(f)}`),
    ...[kevLine(findings[0]!), epssLine(findings[0]!)].filter((s) => s !== undefined),
  ].join('\n');
}

export function ruleHelp(id: string, findings: readonly Finding[]): { text: string; markdown: string } {
  return { text: text(id, findings), markdown: markdown(id, findings) };
}
