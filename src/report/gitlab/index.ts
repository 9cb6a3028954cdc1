/**
 * GitLab container-scanning report (security report schema 15.2.x): one vulnerability per (vulnerability,
 * package) with the package, the OS and the image as its location, the vulnerability id first among the
 * identifiers (GitLab's "primary identifier"), then aliases and CWEs.
 *
 * ref. https://gitlab.com/gitlab-org/security-products/security-report-schemas (dist/container-scanning-report-format.json)
 * ref. https://docs.gitlab.com/ee/development/integrations/secure.html
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Finding, ScanResult } from '../../match/model.js';
import { streamed, writeJson } from '../../sbom/json-writer.js';
import type { SeverityLevel } from '../../vulndb/model.js';
import { advisorySource, cweNumber, cweUrl } from '../advisory-links.js';
import { sortedFindings } from '../order.js';
import type { ReportOptions, ReportWriter } from '../report.js';
import { epssPercent, fixLabel, imageLabel, solutionText } from '../summary.js';
import { CORRAL_TOOL } from '../tool.js';

export const GITLAB_SCHEMA_VERSION = '15.2.4';
export const GITLAB_SCHEMA_URI = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/container-scanning-report-format.json`;

const SEVERITY: Record<SeverityLevel, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  negligible: 'Info',
  unknown: 'Unknown',
};

const MAX_NAME = 255;
const MAX_SOLUTION = 7000;
const MAX_CVSS_VECTORS = 10;
/** A fixed namespace for the name-based report ids (RFC 4122 §4.3). */
const ID_NAMESPACE = Buffer.from('0f6c1f9e4d2a4b7f9a31c5d8e2b7a640', 'hex');
const URL_PATTERN = /^(https?|ftp):\/\/.+/;
/** The base metric groups GitLab's schema accepts for CVSS v2, v3.x and v4.0 vectors. */
const CVSS_VECTOR = [
  /^AV:[NAL]\/AC:[LMH]\/Au:[MSN]\/C:[NPC]\/I:[NPC]\/A:[NPC](\/[A-Z]+:[A-Z]+)*$/,
  /^CVSS:3\.[01]\/AV:[NALP]\/AC:[LH]\/PR:[NLH]\/UI:[NR]\/S:[UC]\/C:[NLH]\/I:[NLH]\/A:[NLH](\/[A-Z]+:[A-Z]+)*$/,
  /^CVSS:4\.0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/[A-Z]+:[A-Z]+)*$/,
];

/** An RFC 4122 version-5 UUID of `name`: stable across runs, so GitLab keeps tracking the finding. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(ID_NAMESPACE).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** `2024-06-02T10:15:04.512Z` → `2024-06-02T10:15:04` (the schema's UTC format). */
function gitlabTime(iso: string): string | undefined {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().slice(0, 19);
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function identifiers(f: Finding): Array<Record<string, string>> {
  const v = f.vulnerability;
  const ids = [v.id, ...v.aliases].map((id) => {
    const s = advisorySource(id);
    return { type: s.kind, name: id, value: id, ...(s.url !== undefined && { url: s.url }) };
  });
  const cwes = [...new Set(v.cwes.map(cweNumber).filter((n) => n !== undefined))].map((n) => ({
    type: 'cwe',
    name: `CWE-${n}`,
    value: String(n),
    url: cweUrl(n),
  }));
  return [...ids, ...cwes];
}

function cvssVectors(f: Finding): Array<{ vendor: string; vector: string }> {
  return f.vulnerability.severities
    .filter((r) => r.vector !== undefined && CVSS_VECTOR.some((re) => re.test(r.vector!)))
    .slice(0, MAX_CVSS_VECTORS)
    .map((r) => ({ vendor: r.source, vector: r.vector! }));
}

function details(f: Finding): Record<string, unknown> {
  const l = f.introducedInLayer;
  const text = (name: string, value: string): Record<string, string> => ({ name, type: 'text', value });
  return {
    fix_state: text('Fix state', fixLabel(f)),
    ...(l && {
      layer: text(
        'Introduced in layer',
        `${l.index}${l.baseImage === true ? ' (base image)' : ''}${l.createdBy !== undefined ? `: ${l.createdBy.trim()}` : ''}`,
      ),
    }),
    ...(f.vulnerability.kev && { kev: text('CISA KEV', `added ${f.vulnerability.kev.dateAdded}`) }),
    ...(f.vulnerability.epss && { epss: text('EPSS', epssPercent(f)) }),
    ...(f.package.purl !== '' && { purl: text('Package URL', f.package.purl) }),
  };
}

function vulnerability(f: Finding, os: string, image: string): Record<string, unknown> {
  const v = f.vulnerability;
  const p = f.package;
  const summary = v.summary?.replace(/\s+/g, ' ').trim();
  const links = [...new Set(v.references.map((r) => r.url).filter((u) => URL_PATTERN.test(u)))].map(
    (url) => ({ url }),
  );
  const vectors = cvssVectors(f);
  return {
    id: nameUuid([v.id, p.type, p.name, p.version, p.locations[0]?.path ?? ''].join('\0')),
    name: clip(summary !== undefined && summary !== '' ? `${v.id}: ${summary}` : v.id, MAX_NAME),
    description: [v.summary, f.note].filter((s) => s !== undefined && s !== '').join('\n\n') || v.id,
    severity: SEVERITY[f.severity],
    solution: clip(solutionText(f), MAX_SOLUTION),
    identifiers: identifiers(f),
    ...(vectors.length > 0 && { cvss_vectors: vectors }),
    ...(links.length > 0 && { links }),
    details: details(f),
    location: { dependency: { package: { name: p.name }, version: p.version }, operating_system: os, image },
  };
}

export function gitlabReport(result: ScanResult): Record<string, unknown> {
  const { distro, image } = result.sbom;
  const os = distro
    ? [distro.id, distro.versionId].filter((s) => s !== undefined && s !== '').join(' ')
    : 'unknown';
  const end = gitlabTime(result.scannedAt) ?? '1970-01-01T00:00:00';
  const start = gitlabTime(result.sbom.createdAt);
  const tool = {
    id: CORRAL_TOOL.name,
    name: CORRAL_TOOL.displayName,
    version: CORRAL_TOOL.version,
    vendor: { name: CORRAL_TOOL.displayName },
    url: CORRAL_TOOL.informationUri,
  };
  return {
    version: GITLAB_SCHEMA_VERSION,
    schema: GITLAB_SCHEMA_URI,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'container_scanning',
      start_time: start !== undefined && start <= end ? start : end,
      end_time: end,
      status: 'success',
    },
    vulnerabilities: streamed(
      sortedFindings(result.findings).map((f) => vulnerability(f, os, imageLabel(image))),
    ),
    remediations: [],
  };
}

export const gitlab = {
  id: 'gitlab',
  description: 'GitLab container-scanning report (security report schema 15)',
  contentType: 'application/json',
  write: (result: ScanResult, out: Writable, _opts: ReportOptions) => writeJson(out, gitlabReport(result)),
} satisfies ReportWriter;
