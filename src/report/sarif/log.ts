/**
 * SARIF 2.1.0 log of a scan: one run; one rule per vulnerability id; one result per (vulnerability,
 * package) located at the file the package was found in (relative to the image root), or at the image
 * reference when the package has no file. GitHub code scanning reads `security-severity` (a CVSS score
 * as a string) on the rule and `partialFingerprints` to keep one alert per finding across runs.
 *
 * ref. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * ref. https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from 'node:crypto';
import type { Finding, ScanResult } from '../../match/model.js';
import type { SeverityLevel } from '../../vulndb/model.js';
import { advisorySource, cweNumber } from '../advisory-links.js';
import { findingsByVulnerability, sortedFindings } from '../order.js';
import { imageLabel, solutionText } from '../summary.js';
import { CORRAL_TOOL } from '../tool.js';
import { ruleHelp } from './help.js';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Key of our fingerprint in `partialFingerprints`; bump the suffix if its inputs ever change. */
export const FINGERPRINT_KEY = 'corralFinding/v1';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<SeverityLevel, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'note',
};

/**
 * A CVSS-like score for findings without one, in the middle of the band GitHub maps to the same
 * severity (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
 */
const SCORE_WITHOUT_CVSS: Record<SeverityLevel, number | undefined> = {
  critical: 9.5,
  high: 8.0,
  medium: 5.5,
  low: 2.0,
  negligible: 0.5,
  unknown: undefined,
};

const MAX_SHORT_DESCRIPTION = 120;

function shortDescription(id: string, f: Finding): string {
  const summary = f.vulnerability.summary?.replace(/\s+/g, ' ').trim();
  if (summary === undefined || summary === '') return `${id}: ${f.package.name}`;
  return summary.length > MAX_SHORT_DESCRIPTION ? `${summary.slice(0, MAX_SHORT_DESCRIPTION - 1)}…` : summary;
}

/** The highest CVSS score among the findings, else a score standing for the most severe one. */
function securitySeverity(findings: readonly Finding[]): string | undefined {
  const scores = findings
    .map((f) => f.cvssScore ?? SCORE_WITHOUT_CVSS[f.severity])
    .filter((s) => s !== undefined);
  return scores.length === 0 ? undefined : Math.max(...scores).toFixed(1);
}

function rule(id: string, findings: readonly Finding[]): Record<string, unknown> {
  const first = findings[0]!;
  const v = first.vulnerability;
  const url = advisorySource(id).url;
  const score = securitySeverity(findings);
  const cwes = v.cwes.filter((c) => cweNumber(c) !== undefined).map((c) => `external/cwe/${c.toLowerCase()}`);
  return {
    id,
    shortDescription: { text: shortDescription(id, first) },
    ...(v.summary !== undefined && v.summary !== '' && { fullDescription: { text: v.summary } }),
    ...(url !== undefined && { helpUri: url }),
    help: ruleHelp(id, findings),
    defaultConfiguration: { level: LEVEL[first.severity] },
    properties: {
      ...(score !== undefined && { 'security-severity': score }),
      tags: ['security', 'vulnerability', first.severity, ...cwes],
    },
  };
}

/** A path or reference as a relative URI reference: no leading slash, each segment percent-encoded. */
export function relativeUri(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function fingerprint(f: Finding, uri: string): string {
  const p = f.package;
  return createHash('sha256').update([f.vulnerability.id, p.type, p.name, uri].join('\0')).digest('hex');
}

function message(f: Finding): string {
  const p = f.package;
  return `${p.name} ${p.version} (${p.type}) is affected by ${f.vulnerability.id} (${f.severity}). ${solutionText(f)}`;
}

function result(f: Finding, ruleIndex: number, imageRef: string): Record<string, unknown> {
  const p = f.package;
  const uri = relativeUri(p.locations[0]?.path ?? imageRef);
  return {
    ruleId: f.vulnerability.id,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: message(f) },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } },
        logicalLocations: [
          {
            name: p.name,
            fullyQualifiedName: p.purl !== '' ? p.purl : `${p.type}/${p.name}@${p.version}`,
            kind: 'module',
          },
        ],
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, uri) },
    properties: {
      packageId: p.id,
      purl: p.purl,
      installedVersion: p.version,
      fixState: f.fixState,
      ...(f.fixedIn !== undefined && { fixedIn: f.fixedIn }),
      severity: f.severity,
      ...(f.introducedInLayer !== undefined && { layerIndex: f.introducedInLayer.index }),
      ...(f.vulnerability.kev !== undefined && { kev: true }),
      ...(f.vulnerability.epss !== undefined && { epss: f.vulnerability.epss.score }),
    },
  };
}

/** The whole SARIF log of `scan`. */
export function sarifLog(scan: ScanResult): Record<string, unknown> {
  const byId = findingsByVulnerability(scan.findings);
  const ids = [...byId.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const imageRef = imageLabel(scan.sbom.image);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: {
          driver: {
            name: CORRAL_TOOL.name,
            version: CORRAL_TOOL.version,
            semanticVersion: CORRAL_TOOL.version,
            informationUri: CORRAL_TOOL.informationUri,
            rules: ids.map((id) => rule(id, byId.get(id)!)),
          },
        },
        results: sortedFindings(scan.findings).map((f) =>
          result(f, index.get(f.vulnerability.id)!, imageRef),
        ),
        properties: {
          imageRef,
          ...(scan.sbom.image.digest !== undefined && { imageDigest: scan.sbom.image.digest }),
          scannedAt: scan.scannedAt,
        },
      },
    ],
  };
}
