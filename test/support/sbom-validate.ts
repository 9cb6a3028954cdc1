/**
 * Validation of SBOM output against the OFFICIAL schemas: CycloneDX 1.6 through
 * `@cyclonedx/cyclonedx-library` (its strict JSON validator bundles the spec's schemas); SPDX 2.3 through
 * ajv and Corral's own JSON Schema, written from the SPDX 2.3 specification's field definitions
 * (src/sbom/spdx-json/spdx-2.3.schema.json). Rules the spec states in prose (license expressions,
 * the exact `created` form, references between elements) are checked by `validateSpdx` on top.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import parseSpdx from 'spdx-expression-parse';
import { PackageURL } from 'packageurl-js';

const ROOT = join(import.meta.dirname, '..', '..');
export const SPDX_SCHEMA = join(ROOT, 'src', 'sbom', 'spdx-json', 'spdx-2.3.schema.json');

/** Errors of a CycloneDX 1.6 JSON text (empty when valid), schema first, then bom-ref integrity. */
export async function validateCycloneDx(text: string): Promise<string[]> {
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  const err: unknown = await validator.validate(text);
  if (err !== null) return [JSON.stringify(err)];
  const doc = JSON.parse(text) as {
    metadata?: { component?: { 'bom-ref'?: string } };
    components?: Array<{ 'bom-ref'?: string; purl?: string }>;
    dependencies?: Array<{ ref: string; dependsOn?: string[] }>;
  };
  const errors: string[] = [];
  const refs = new Set<string>();
  for (const r of [
    doc.metadata?.component?.['bom-ref'],
    ...(doc.components ?? []).map((c) => c['bom-ref']),
  ]) {
    if (r === undefined) continue;
    if (refs.has(r)) errors.push(`duplicate bom-ref ${r}`);
    refs.add(r);
  }
  for (const c of doc.components ?? []) {
    if (c.purl !== undefined) {
      try {
        PackageURL.fromString(c.purl);
      } catch (e) {
        errors.push(`invalid purl ${c.purl}: ${(e as Error).message}`);
      }
    }
  }
  for (const d of doc.dependencies ?? []) {
    for (const r of [d.ref, ...(d.dependsOn ?? [])])
      if (!refs.has(r)) errors.push(`dependency names unknown bom-ref ${r}`);
  }
  return errors;
}

let spdxValidator: ReturnType<Ajv['compile']> | undefined;

interface SpdxDoc {
  SPDXID: string;
  created?: string;
  documentNamespace?: string;
  creationInfo: { created: string };
  packages?: Array<{
    SPDXID: string;
    licenseDeclared?: string;
    licenseConcluded?: string;
    externalRefs?: Array<{ referenceType: string; referenceLocator: string }>;
  }>;
  relationships?: Array<{ spdxElementId: string; relatedSpdxElement: string; relationshipType: string }>;
  hasExtractedLicensingInfos?: Array<{ licenseId: string }>;
}

function checkLicense(
  expr: string | undefined,
  declared: Set<string>,
  where: string,
  errors: string[],
): void {
  if (expr === undefined || expr === 'NOASSERTION' || expr === 'NONE') return;
  try {
    const walk = (n: parseSpdx.Info): void => {
      if ('license' in n) {
        if (n.license.startsWith('LicenseRef-') && !declared.has(n.license))
          errors.push(`${where}: ${n.license} is not in hasExtractedLicensingInfos`);
      } else {
        walk(n.left);
        walk(n.right);
      }
    };
    walk(parseSpdx(expr));
    if (/(^|[\s(])(and|or|with)($|[\s)])/.test(expr))
      errors.push(`${where}: lower-case operator in "${expr}"`);
  } catch (e) {
    errors.push(`${where}: invalid license expression "${expr}": ${(e as Error).message}`);
  }
}

/** Errors of an SPDX 2.3 JSON text (empty when valid): our SPDX 2.3 schema plus the spec's prose rules. */
export function validateSpdx(text: string): string[] {
  if (spdxValidator === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats.default(ajv);
    spdxValidator = ajv.compile(JSON.parse(readFileSync(SPDX_SCHEMA, 'utf8')) as object);
  }
  const doc = JSON.parse(text) as SpdxDoc;
  if (!spdxValidator(doc))
    return (spdxValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  const errors: string[] = [];
  const ids = new Set<string>([doc.SPDXID]);
  for (const p of doc.packages ?? []) {
    if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(p.SPDXID)) errors.push(`bad SPDXID ${p.SPDXID}`);
    if (ids.has(p.SPDXID)) errors.push(`duplicate SPDXID ${p.SPDXID}`);
    ids.add(p.SPDXID);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(doc.creationInfo.created))
    errors.push(`created "${doc.creationInfo.created}" is not YYYY-MM-DDThh:mm:ssZ`);
  if (!/^[a-z][a-z0-9+.-]*:[^#\s]+$/i.test(doc.documentNamespace ?? ''))
    errors.push(`documentNamespace "${doc.documentNamespace}" is not an absolute URI without '#'`);
  const declared = new Set((doc.hasExtractedLicensingInfos ?? []).map((e) => e.licenseId));
  for (const p of doc.packages ?? []) {
    checkLicense(p.licenseDeclared, declared, p.SPDXID, errors);
    checkLicense(p.licenseConcluded, declared, p.SPDXID, errors);
    for (const r of p.externalRefs ?? []) {
      if (r.referenceType !== 'purl') continue;
      try {
        PackageURL.fromString(r.referenceLocator);
      } catch (e) {
        errors.push(`${p.SPDXID}: invalid purl ${r.referenceLocator}: ${(e as Error).message}`);
      }
    }
  }
  for (const r of doc.relationships ?? []) {
    for (const id of [r.spdxElementId, r.relatedSpdxElement])
      if (!ids.has(id)) errors.push(`relationship names unknown ${id}`);
  }
  if (
    !(doc.relationships ?? []).some(
      (r) => r.spdxElementId === doc.SPDXID && r.relationshipType === 'DESCRIBES',
    )
  )
    errors.push('no DESCRIBES relationship');
  return errors;
}
