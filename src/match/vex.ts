/**
 * VEX as scan input (`--vex FILE`, repeatable) and output (`corral vex export`).
 *
 * Read: OpenVEX (https://github.com/openvex/spec, v0.2.0; v0.0.x string `vulnerability` too) and
 * CycloneDX VEX (`vulnerabilities[].analysis.state`, `affects[].ref` → a component's purl, or a purl).
 * Only `not_affected` suppresses: a finding whose id or alias is the statement's vulnerability (or one
 * of its aliases) and whose package purl falls under one of the statement's products (qualifiers
 * ignored when the product names none, see purl-match.ts). A statement without products applies to
 * every package; a product id that is not a purl is compared with the package name.
 *
 * Write: the live entries of an ignore file as one OpenVEX document, status `not_affected`,
 * `impact_statement` = the entry's reason, and `justification` only when the reason names one of the
 * five OpenVEX justifications literally (we never invent one).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError, describeError } from '../errors.js';
import { findingIds, isExpired, type IgnoreFile } from './ignore.js';
import type { Finding, ScanResult, SuppressedFinding } from './model.js';
import { isPurl, purlMatches } from './purl-match.js';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

export const OPENVEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

export interface VexStatement {
  /** The vulnerability id and its aliases. */
  ids: string[];
  /** purls (or package names); empty = every package. */
  products: string[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
  /** impact statement / detail, else "VEX <file>". */
  reason: string;
}

const openVexSchema = z.object({
  '@context': z.string().startsWith('https://openvex.dev/ns'),
  statements: z.array(
    z.object({
      vulnerability: z.union([
        z.string(),
        z.object({ name: z.string(), aliases: z.array(z.string()).optional() }),
      ]),
      products: z
        .array(
          z.union([
            z.string(),
            z.object({
              '@id': z.string().optional(),
              identifiers: z.object({ purl: z.string().optional() }).optional(),
            }),
          ]),
        )
        .optional(),
      status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
      justification: z.string().optional(),
      impact_statement: z.string().optional(),
    }),
  ),
});

const CDX_STATES: Record<string, VexStatement['status']> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  exploitable: 'affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  in_triage: 'under_investigation',
};

const cdxSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  components: z
    .array(z.object({ 'bom-ref': z.string().optional(), purl: z.string().optional() }).passthrough())
    .optional(),
  vulnerabilities: z.array(
    z.object({
      id: z.string(),
      references: z.array(z.object({ id: z.string() })).optional(),
      analysis: z
        .object({
          state: z.string().optional(),
          justification: z.string().optional(),
          detail: z.string().optional(),
        })
        .optional(),
      affects: z.array(z.object({ ref: z.string() })).optional(),
    }),
  ),
});

function invalid(file: string, what: string): AppError {
  return new AppError('CONFIG_INVALID', `${file}: not an OpenVEX or CycloneDX VEX document: ${what}`, {
    hint: 'give an OpenVEX JSON (@context https://openvex.dev/ns/…) or a CycloneDX JSON with vulnerabilities[].analysis',
  });
}

function zodProblems(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses a VEX document's JSON text; `file` only names it. */
export function parseVex(text: string, file: string): VexStatement[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(file, describeError(err));
  }
  const fallback = `VEX ${file}`;
  if (typeof doc === 'object' && doc !== null && '@context' in doc) {
    const p = openVexSchema.safeParse(doc);
    if (!p.success) throw invalid(file, zodProblems(p.error));
    return p.data.statements.map((s) => ({
      ids:
        typeof s.vulnerability === 'string'
          ? [s.vulnerability]
          : [s.vulnerability.name, ...(s.vulnerability.aliases ?? [])],
      products: (s.products ?? []).flatMap((pr) => {
        if (typeof pr === 'string') return [pr];
        const id = pr.identifiers?.purl ?? pr['@id'];
        return id === undefined ? [] : [id];
      }),
      status: s.status,
      ...(s.justification !== undefined && { justification: s.justification }),
      reason: s.impact_statement ?? fallback,
    }));
  }
  const p = cdxSchema.safeParse(doc);
  if (!p.success) throw invalid(file, zodProblems(p.error));
  const purlOf = new Map<string, string>();
  for (const c of p.data.components ?? [])
    if (c['bom-ref'] !== undefined && c.purl !== undefined) purlOf.set(c['bom-ref'], c.purl);
  return p.data.vulnerabilities.flatMap((v): VexStatement[] => {
    const status = CDX_STATES[v.analysis?.state ?? ''];
    if (status === undefined) return [];
    return [
      {
        ids: [v.id, ...(v.references ?? []).map((r) => r.id)],
        products: (v.affects ?? []).map((a) => purlOf.get(a.ref) ?? a.ref),
        status,
        ...(v.analysis?.justification !== undefined && { justification: v.analysis.justification }),
        reason: v.analysis?.detail ?? fallback,
      },
    ];
  });
}

export async function loadVex(file: string): Promise<VexStatement[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError('SCAN_INPUT_NOT_FOUND', `cannot read VEX document ${file}: ${describeError(err)}`, {
      cause: err,
    });
  }
  return parseVex(text, file);
}

export function statementMatches(s: VexStatement, f: Finding): boolean {
  const ids = findingIds(f);
  if (!s.ids.some((id) => ids.includes(id))) return false;
  if (s.products.length === 0) return true;
  return s.products.some((p) => (isPurl(p) ? purlMatches(p, f.package.purl) : p === f.package.name));
}

/** Moves findings covered by a `not_affected` statement to `suppressed`, with the justification. */
export function applyVex(result: ScanResult, statements: readonly VexStatement[]): ScanResult {
  const notAffected = statements.filter((s) => s.status === 'not_affected');
  const suppressed: SuppressedFinding[] = [];
  const findings = result.findings.filter((f) => {
    const s = notAffected.find((st) => statementMatches(st, f));
    if (s === undefined) return true;
    suppressed.push({
      finding: f,
      by: 'vex',
      reason: s.reason,
      ...(s.justification !== undefined && { justification: s.justification }),
    });
    return false;
  });
  return { ...result, findings, suppressed: [...(result.suppressed ?? []), ...suppressed] };
}

export interface OpenVexDocument {
  '@context': string;
  '@id': string;
  author: string;
  timestamp: string;
  version: number;
  tooling: string;
  statements: {
    vulnerability: { name: string };
    products: { '@id': string }[];
    status: 'not_affected';
    justification?: string;
    impact_statement: string;
  }[];
}

/** The live (unexpired) entries of an ignore file as an OpenVEX document. */
export function ignoreFileToOpenVex(
  ignore: IgnoreFile,
  opts: { now?: Date; author?: string; id?: string } = {},
): OpenVexDocument {
  const now = opts.now ?? new Date();
  const timestamp = now.toISOString();
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': opts.id ?? `https://corral.invalid/vex/${timestamp}`,
    author: opts.author ?? 'corral vex export',
    timestamp,
    version: 1,
    tooling: 'corral',
    statements: ignore.entries
      .filter((e) => !isExpired(e, now))
      .map((e) => {
        const justification = OPENVEX_JUSTIFICATIONS.find((j) => e.reason.includes(j));
        return {
          vulnerability: { name: e.id },
          products: e.package === undefined ? [] : [{ '@id': e.package }],
          status: 'not_affected' as const,
          ...(justification !== undefined && { justification }),
          impact_statement: e.reason,
        };
      }),
  };
}
