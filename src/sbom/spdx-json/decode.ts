/**
 * SPDX 2.x JSON reader. Corral's own output is restored from its `corral:` annotations; other tools'
 * (syft, trivy) are read for what matching needs: packages from purl externalRefs, CPEs, the distro from
 * an OPERATING_SYSTEM package or the purls' `distro=` qualifier, the image from the CONTAINER package.
 *
 * ref. https://spdx.github.io/spdx-spec/v2.3/
 */
import { z } from 'zod';
import type { Distro, Package, Relationship, Unknown } from '../../catalog/model.js';
import { AppError } from '../../errors.js';
import { assembleSbom, decodePackage, uniqueIds, type ElementFacts } from '../decoding.js';
import { foreignImage } from '../foreign-properties.js';
import { splitConjunction } from '../license.js';
import { IMAGE_NODE_ID, type Sbom, type SbomImage } from '../model.js';
import { looseArray, parseDocument, parseElement } from '../parse-boundary.js';
import {
  distroFromProperties,
  imageFromProperties,
  unknownsFromProperties,
  type Property,
} from '../properties.js';
import { PACKAGE_ID_PREFIX } from './encode.js';

const Annotation = z.object({ comment: z.string() });
const Package_ = z.object({
  SPDXID: z.string(),
  name: z.string(),
  versionInfo: z.string().optional(),
  licenseDeclared: z.string().optional(),
  licenseConcluded: z.string().optional(),
  sourceInfo: z.string().optional(),
  primaryPackagePurpose: z.string().optional(),
  externalRefs: looseArray(
    z.object({ referenceCategory: z.string(), referenceType: z.string(), referenceLocator: z.string() }),
  ).optional(),
  annotations: looseArray(Annotation).optional(),
  attributionTexts: looseArray(z.string()).optional(),
});
type SpdxPackage = z.output<typeof Package_>;
const Document = z.object({
  spdxVersion: z.string(),
  SPDXID: z.string(),
  name: z.string().optional(),
  creationInfo: z
    .object({ created: z.string().optional(), creators: z.array(z.string()).optional() })
    .optional(),
  annotations: looseArray(Annotation).optional(),
  packages: z.array(z.unknown()).optional(),
  relationships: looseArray(
    z.object({
      spdxElementId: z.string(),
      relatedSpdxElement: z.string(),
      relationshipType: z.string(),
      comment: z.string().optional(),
    }),
  ).optional(),
  hasExtractedLicensingInfos: looseArray(
    z.object({ licenseId: z.string(), extractedText: z.string() }),
  ).optional(),
});
type SpdxDocument = z.output<typeof Document>;

/** Package purposes that name no installable package (skipped without an Unknown). */
const NON_PACKAGE_PURPOSES = new Set(['FILE', 'SOURCE', 'ARCHIVE', 'DEVICE', 'INSTALL', 'OTHER']);

export function isSpdx(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as { spdxVersion?: unknown; '@context'?: unknown };
  return (
    typeof d.spdxVersion === 'string' ||
    (typeof d['@context'] === 'string' && d['@context'].includes('spdx.org'))
  );
}

function checkVersion(doc: unknown): void {
  const v = (doc as { spdxVersion?: unknown }).spdxVersion;
  if (typeof v === 'string' && /^SPDX-2\.\d+$/.test(v)) return;
  throw new AppError(
    'SBOM_VERSION_UNSUPPORTED',
    `SPDX ${typeof v === 'string' ? v : '3'} is not supported (SPDX 2.x JSON is)`,
    {
      hint: 'write the SBOM as SPDX 2.3 JSON (syft -o spdx-json, trivy --format spdx-json) or as CycloneDX',
    },
  );
}

/** `corral:name=value` annotations, and trivy's `Key: value` attribution texts, as properties. */
function propertiesOf(p: {
  annotations?: Array<{ comment: string }> | undefined;
  attributionTexts?: string[] | undefined;
}): Property[] {
  const out: Property[] = [];
  for (const a of p.annotations ?? []) {
    const eq = a.comment.indexOf('=');
    if (a.comment.startsWith('corral:') && eq > 0)
      out.push({ name: a.comment.slice(0, eq), value: a.comment.slice(eq + 1) });
  }
  for (const t of p.attributionTexts ?? []) {
    const m = /^(\w+): (.*)$/s.exec(t);
    if (m) out.push({ name: `aquasecurity:trivy:${m[1]}`, value: m[2]! });
  }
  return out;
}

/** Paths named by syft's `sourceInfo` ("acquired package info from X: /a, /b"), as syft locations. */
function sourceInfoLocations(p: SpdxPackage, props: readonly Property[]): Property[] {
  if (props.some((x) => x.name.startsWith('corral:')) || p.sourceInfo === undefined) return [];
  const m = /: (\/.*)$/.exec(p.sourceInfo);
  if (!m) return [];
  return m[1]!.split(', ').map((path, i) => ({ name: `syft:location:${i}:path`, value: path }));
}

function licensesOf(p: SpdxPackage, extracted: Map<string, string>): string[] {
  const text = [p.licenseDeclared, p.licenseConcluded].find(
    (l) => l !== undefined && l !== 'NOASSERTION' && l !== 'NONE',
  );
  if (text === undefined) return [];
  return splitConjunction(text).map((l) => extracted.get(l) ?? l);
}

const isImage = (p: SpdxPackage): boolean =>
  p.primaryPackagePurpose === 'CONTAINER' || p.SPDXID.startsWith('SPDXRef-ContainerImage');
const isOs = (p: SpdxPackage): boolean =>
  p.primaryPackagePurpose === 'OPERATING_SYSTEM' || p.SPDXID.startsWith('SPDXRef-OperatingSystem');

function imageOf(p: SpdxPackage | undefined, doc: SpdxDocument): SbomImage {
  const props = p ? propertiesOf(p) : [];
  return imageFromProperties(props) ?? foreignImage(p?.name ?? doc.name, p?.versionInfo, props);
}

function distroOf(p: SpdxPackage): Distro {
  return (
    distroFromProperties(propertiesOf(p)) ?? {
      id: p.name.toLowerCase(),
      ...(p.versionInfo && { versionId: p.versionInfo }),
    }
  );
}

function factsOf(p: SpdxPackage, id: string, extracted: Map<string, string>): ElementFacts {
  const refs = p.externalRefs ?? [];
  const props = propertiesOf(p);
  const purl = refs.find((r) => r.referenceType === 'purl')?.referenceLocator;
  return {
    where: p.SPDXID,
    id,
    name: p.name,
    ...(p.versionInfo !== undefined && { version: p.versionInfo }),
    ...(purl !== undefined && { purl }),
    cpes: refs
      .filter((r) => r.referenceType === 'cpe23Type' || r.referenceType === 'cpe22Type')
      .map((r) => r.referenceLocator),
    licenses: licensesOf(p, extracted),
    properties: [...props, ...sourceInfoLocations(p, props)],
    optional: p.primaryPackagePurpose !== undefined && NON_PACKAGE_PURPOSES.has(p.primaryPackagePurpose),
  };
}

/** SPDX relationships between known elements, in the model's vocabulary. */
function edgesOf(doc: SpdxDocument, idOf: Map<string, string>, rootId: string | undefined): Relationship[] {
  const out: Relationship[] = [];
  for (const r of doc.relationships ?? []) {
    const from = r.spdxElementId === rootId ? IMAGE_NODE_ID : idOf.get(r.spdxElementId);
    const to = idOf.get(r.relatedSpdxElement);
    if (from === undefined || to === undefined) continue;
    if (r.relationshipType === 'CONTAINS') out.push({ from, to, type: 'contains' });
    else if (r.relationshipType === 'DEPENDS_ON' && from !== IMAGE_NODE_ID)
      out.push({ from, to, type: 'depends-on' });
    else if (r.relationshipType === 'DEPENDENCY_OF' && from !== IMAGE_NODE_ID)
      out.push({ from: to, to: from, type: 'depends-on' });
    else if (r.relationshipType === 'OTHER' && r.comment?.startsWith('evident-by'))
      out.push({ from, to, type: 'evident-by' });
  }
  return out;
}

function rootOf(pkgs: readonly SpdxPackage[], doc: SpdxDocument): SpdxPackage | undefined {
  const described = (doc.relationships ?? []).find(
    (r) => r.spdxElementId === doc.SPDXID && r.relationshipType === 'DESCRIBES',
  );
  return (
    pkgs.find(isImage) ??
    pkgs.find((p) => p.SPDXID === described?.relatedSpdxElement && !p.externalRefs?.length)
  );
}

/** `Tool: syft-0.91.0`, `Tool: trivy-dev`, `Tool: syft-[not provided]` → name and version. */
function toolOf(doc: SpdxDocument): { name: string; version: string } {
  const creator = doc.creationInfo?.creators
    ?.find((c) => c.startsWith('Tool: '))
    ?.slice('Tool: '.length)
    .trim();
  if (creator === undefined) return { name: 'unknown', version: '' };
  const m = /^(.+?)-(v?\d.*|dev|\[.*\])$/.exec(creator);
  if (!m) return { name: creator, version: '' };
  return { name: m[1]!, version: m[2]!.startsWith('[') ? '' : m[2]! };
}

/** Decodes a parsed SPDX 2.x JSON document. */
export function decodeSpdx(raw: unknown): Sbom {
  checkVersion(raw);
  const doc = parseDocument(Document, raw, 'SPDX');
  const unknowns: Unknown[] = unknownsFromProperties(propertiesOf(doc));
  const pkgs = (doc.packages ?? []).flatMap(
    (x, i) => parseElement(Package_, x, `packages[${i}]`, unknowns) ?? [],
  );
  const root = rootOf(pkgs, doc);
  const image = imageOf(root, doc);
  const tool = toolOf(doc);
  const extracted = new Map(
    (doc.hasExtractedLicensingInfos ?? []).map((e) => [e.licenseId, e.extractedText]),
  );
  const unique = uniqueIds();
  const idOf = new Map<string, string>();
  const packages: Package[] = [];
  const rels: Relationship[] = [];
  let distro: Distro | undefined;
  let purlDistro: Distro | undefined;
  for (const p of pkgs) {
    if (p === root) continue;
    if (isOs(p)) {
      distro ??= distroOf(p);
      continue;
    }
    const id = unique(
      p.SPDXID.startsWith(PACKAGE_ID_PREFIX) ? p.SPDXID.slice(PACKAGE_ID_PREFIX.length) : p.SPDXID,
    );
    const d = decodePackage(factsOf(p, id, extracted), { layers: image.layers, tool: tool.name, unknowns });
    if (!d) continue;
    idOf.set(p.SPDXID, id);
    packages.push(d.pkg);
    purlDistro ??= d.distro;
    for (const r of d.relationships) rels.push({ from: id, to: r.to, type: r.type });
  }
  return assembleSbom({
    image,
    distro: distro ?? purlDistro,
    packages,
    relationships: [...edgesOf(doc, idOf, root?.SPDXID), ...rels],
    unknowns,
    timestamp: doc.creationInfo?.created,
    tool,
  });
}
