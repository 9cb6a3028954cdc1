/**
 * SPDX 2.3 JSON writer. The document DESCRIBES the image (a package with primaryPackagePurpose
 * CONTAINER), which CONTAINS the distro (OPERATING_SYSTEM) and every package. Packages carry their purl
 * (PACKAGE-MANAGER) and CPEs (SECURITY) as externalRefs, `licenseDeclared` as a valid SPDX expression
 * (free text becomes a `LicenseRef-` listed in hasExtractedLicensingInfos), and Corral's facts (layers,
 * locations, cataloger, source package) as `corral:…=value` annotations. Property names: src/sbom/README.md.
 *
 * ref. https://spdx.github.io/spdx-spec/v2.3/
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Distro, Package, Relationship } from '../../catalog/model.js';
import { streamed, writeJson } from '../json-writer.js';
import { classifyLicense, conjunction } from '../license.js';
import { IMAGE_NODE_ID, type Sbom } from '../model.js';
import {
  imageName,
  relationshipsByFrom,
  resolvableRelationships,
  sortedPackages,
  splitDigest,
} from '../ordering.js';
import {
  distroProperties,
  imageProperties,
  packageProperties,
  unknownsProperties,
  type Property,
} from '../properties.js';

export const SPDX_VERSION = 'SPDX-2.3';
export const DOCUMENT_ID = 'SPDXRef-DOCUMENT';
export const IMAGE_SPDX_ID = 'SPDXRef-Image';
export const OS_SPDX_ID = 'SPDXRef-OperatingSystem';
export const PACKAGE_ID_PREFIX = 'SPDXRef-Package-';
/** Namespace base for `documentNamespace` (unique per document, need not resolve: spec §6.5). */
const NAMESPACE_BASE = 'https://spdx.org/spdxdocs/corral';
const NOASSERTION = 'NOASSERTION';
const LICENSE_REF_TEXT_CHARS = 40;
const CHECKSUM_ALG: Record<string, string> = { sha256: 'SHA256', sha384: 'SHA384', sha512: 'SHA512' };

/** SPDX idstrings allow letters, digits, `.` and `-` only (spec §3.2). */
const sanitise = (s: string): string => s.replace(/[^A-Za-z0-9.-]+/g, '-');

/** `created` and annotation dates: `YYYY-MM-DDThh:mm:ssZ`, no fraction (spec §6.9). */
function spdxDate(iso: string): string {
  const t = Date.parse(iso);
  return new Date(Number.isNaN(t) ? Date.now() : t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Unique SPDXIDs for the packages, derived from `Package.id`. */
function spdxIds(packages: readonly Package[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>([DOCUMENT_ID, IMAGE_SPDX_ID, OS_SPDX_ID]);
  for (const p of packages) {
    const base = `${PACKAGE_ID_PREFIX}${sanitise(p.id)}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    out.set(p.id, id);
  }
  return out;
}

interface LicensePlan {
  declared: Map<string, string>;
  extracted: Array<{ licenseId: string; extractedText: string; name: string }>;
}

/** One `licenseDeclared` expression per package; free text is named by a stable `LicenseRef-`. */
function planLicenses(packages: readonly Package[]): LicensePlan {
  const refs = new Map<string, string>();
  const refFor = (text: string): string => {
    let ref = refs.get(text);
    if (ref === undefined) {
      const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
      ref = `LicenseRef-${sanitise(text).slice(0, LICENSE_REF_TEXT_CHARS)}-${hash}`;
      refs.set(text, ref);
    }
    return ref;
  };
  const declared = new Map<string, string>();
  for (const p of packages) {
    const parts = [...new Set(p.licenses)].map((l) => (classifyLicense(l).kind === 'text' ? refFor(l) : l));
    declared.set(p.id, conjunction(parts) ?? NOASSERTION);
  }
  const extracted = [...refs].map(([text, licenseId]) => ({ licenseId, extractedText: text, name: text }));
  return { declared, extracted: extracted.sort((a, b) => (a.licenseId < b.licenseId ? -1 : 1)) };
}

interface Ctx {
  sbom: Sbom;
  date: string;
  annotator: string;
  ids: Map<string, string>;
  licenses: LicensePlan;
  byFrom: Map<string, Relationship[]>;
}

const annotations = (ctx: Ctx, props: readonly Property[]): Array<Record<string, string>> =>
  props.map((p) => ({
    annotationDate: ctx.date,
    annotationType: 'OTHER',
    annotator: ctx.annotator,
    comment: `${p.name}=${p.value}`,
  }));

function imagePackage(ctx: Ctx): Record<string, unknown> {
  const { image } = ctx.sbom;
  const digest = splitDigest(image.digest);
  const algorithm = digest && CHECKSUM_ALG[digest.algorithm];
  return {
    SPDXID: IMAGE_SPDX_ID,
    name: imageName(image),
    ...(image.digest !== undefined && { versionInfo: image.digest }),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(algorithm && { checksums: [{ algorithm, checksumValue: digest.hex }] }),
    primaryPackagePurpose: 'CONTAINER',
    annotations: annotations(ctx, imageProperties(image)),
  };
}

function osPackage(ctx: Ctx, d: Distro): Record<string, unknown> {
  return {
    SPDXID: OS_SPDX_ID,
    name: d.id,
    ...(d.versionId !== undefined && { versionInfo: d.versionId }),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(d.prettyName !== undefined && { description: d.prettyName }),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
    annotations: annotations(ctx, distroProperties(d)),
  };
}

function externalRefs(p: Package): Array<Record<string, string>> {
  const refs = p.cpes.map((c) => ({
    referenceCategory: 'SECURITY',
    referenceType: c.startsWith('cpe:2.3:') ? 'cpe23Type' : 'cpe22Type',
    referenceLocator: c,
  }));
  if (p.purl !== '')
    refs.push({ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl });
  return refs;
}

function sourceInfo(p: Package): string | undefined {
  if (p.locations.length === 0) return undefined;
  const where = p.locations.map((l) => (l.layerIndex >= 0 ? `${l.path} (layer ${l.layerIndex})` : l.path));
  return `acquired package info from ${p.foundBy || 'an SBOM'}: ${where.join(', ')}`;
}

function packageElement(ctx: Ctx, p: Package): Record<string, unknown> {
  const info = sourceInfo(p);
  const refs = externalRefs(p);
  return {
    SPDXID: ctx.ids.get(p.id)!,
    name: p.name,
    ...(p.version !== '' && { versionInfo: p.version }),
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    ...(info !== undefined && { sourceInfo: info }),
    licenseConcluded: NOASSERTION,
    licenseDeclared: ctx.licenses.declared.get(p.id) ?? NOASSERTION,
    ...(refs.length > 0 && { externalRefs: refs }),
    primaryPackagePurpose: p.type === 'binary' ? 'APPLICATION' : 'LIBRARY',
    annotations: annotations(ctx, packageProperties(p, ctx.sbom.image.layers, { extraCpes: false })),
  };
}

function* packages(ctx: Ctx): Generator<Record<string, unknown>> {
  yield imagePackage(ctx);
  if (ctx.sbom.distro) yield osPackage(ctx, ctx.sbom.distro);
  for (const p of sortedPackages(ctx.sbom)) yield packageElement(ctx, p);
}

/** evident-by has no SPDX 2.3 type: OTHER with this comment, as syft writes it. */
export const EVIDENT_BY_COMMENT =
  "evident-by: indicates the package's existence is evident by the given file";
const RELATIONSHIP_TYPE = {
  contains: 'CONTAINS',
  'depends-on': 'DEPENDS_ON',
  'evident-by': 'OTHER',
} as const;

function* relationships(ctx: Ctx): Generator<Record<string, string>> {
  const rel = (from: string, type: string, to: string): Record<string, string> => ({
    spdxElementId: from,
    relatedSpdxElement: to,
    relationshipType: type,
    ...(type === 'OTHER' && { comment: EVIDENT_BY_COMMENT }),
  });
  yield rel(DOCUMENT_ID, 'DESCRIBES', IMAGE_SPDX_ID);
  if (ctx.sbom.distro) yield rel(IMAGE_SPDX_ID, 'CONTAINS', OS_SPDX_ID);
  const froms = [...ctx.byFrom.keys()].sort((a, b) =>
    a === IMAGE_NODE_ID ? -1 : b === IMAGE_NODE_ID ? 1 : a < b ? -1 : 1,
  );
  for (const from of froms) {
    const fromId = from === IMAGE_NODE_ID ? IMAGE_SPDX_ID : ctx.ids.get(from)!;
    for (const r of ctx.byFrom.get(from)!) {
      yield rel(fromId, RELATIONSHIP_TYPE[r.type], ctx.ids.get(r.to)!);
    }
  }
}

/** Writes `sbom` as SPDX 2.3 JSON; packages and relationships are streamed. */
export async function encodeSpdx(sbom: Sbom, out: Writable): Promise<void> {
  const name = imageName(sbom.image);
  const ctx: Ctx = {
    sbom,
    date: spdxDate(sbom.createdAt),
    annotator: `Tool: ${sbom.tool.name}-${sbom.tool.version}`,
    ids: spdxIds(sbom.packages),
    licenses: planLicenses(sbom.packages),
    byFrom: relationshipsByFrom(resolvableRelationships(sbom)),
  };
  const docAnnotations = annotations(ctx, unknownsProperties(sbom.unknowns));
  await writeJson(out, {
    spdxVersion: SPDX_VERSION,
    dataLicense: 'CC0-1.0',
    SPDXID: DOCUMENT_ID,
    name,
    documentNamespace: `${NAMESPACE_BASE}/${sanitise(name)}-${randomUUID()}`,
    creationInfo: { created: ctx.date, creators: [ctx.annotator] },
    ...(docAnnotations.length > 0 && { annotations: docAnnotations }),
    packages: streamed(packages(ctx)),
    relationships: streamed(relationships(ctx)),
    ...(ctx.licenses.extracted.length > 0 && { hasExtractedLicensingInfos: ctx.licenses.extracted }),
  });
}
