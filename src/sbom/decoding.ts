/**
 * What the CycloneDX and SPDX decoders share: a {@link Package} from what an element states, and the
 * assembly of the decoded {@link Sbom}. Corral's own output carries `corral:package:type` and is restored field by field; other
 * tools' packages are identified by their purl (type, name, version, arch, distro), since that is what
 * matching keys on.
 */
import type { Distro, Package, Relationship, RelationshipType, Unknown } from '../catalog/model.js';
import { foreignFoundBy, foreignLocations, foreignSource } from './foreign-properties.js';
import { IMAGE_NODE_ID, SBOM_MODEL_VERSION, type Sbom, type SbomImage, type SbomLayer } from './model.js';
import { packageFromProperties, type Property } from './properties.js';
import { identityFromPurl, parsePurl } from './purl-identity.js';

export interface ElementFacts {
  /** Where the element sits in the document, for Unknowns (`components[3]`, an SPDXID). */
  where: string;
  id: string;
  name: string;
  version?: string;
  purl?: string;
  cpes: string[];
  licenses: string[];
  properties: Property[];
  /** The element has no package identity (a file, an aggregate): skip it without an Unknown. */
  optional: boolean;
}

export interface DecodedPackage {
  pkg: Package;
  /** The distro its purl names (`distro=` qualifier), for documents without an OS element. */
  distro?: Distro;
  relationships: Array<{ type: RelationshipType; to: string }>;
}

function fromCorral(f: ElementFacts): DecodedPackage | undefined {
  const c = packageFromProperties(f.properties);
  if (c.type === undefined) return undefined;
  const pkg: Package = {
    id: f.id,
    name: f.name,
    version: f.version ?? '',
    type: c.type,
    purl: f.purl ?? '',
    ...(c.arch !== undefined && { arch: c.arch }),
    ...(c.source !== undefined && { source: c.source }),
    licenses: f.licenses,
    locations: c.locations,
    cpes: [...f.cpes, ...c.cpes],
    foundBy: c.foundBy ?? '',
    ...(Object.keys(c.properties).length > 0 && { properties: c.properties }),
  };
  return { pkg, relationships: c.relationships };
}

function fromForeign(
  f: ElementFacts,
  layers: readonly SbomLayer[],
  tool: string,
  unknowns: Unknown[],
): DecodedPackage | undefined {
  const skip = (code: string, message: string): undefined => {
    if (!f.optional) unknowns.push({ path: f.where, code, message: `${f.name}: ${message}` });
    return undefined;
  };
  const purl = f.purl !== undefined && f.purl !== '' ? parsePurl(f.purl) : undefined;
  if (f.purl && !purl) return skip('SBOM_PURL_INVALID', `invalid purl "${f.purl}"`);
  const id = purl ? identityFromPurl(purl) : undefined;
  if (purl && !id)
    return skip('SBOM_PACKAGE_TYPE_UNSUPPORTED', `purl type "${purl.type}" is not matched by Corral`);
  if (!id && f.cpes.length === 0)
    return skip('SBOM_PACKAGE_UNIDENTIFIED', 'no purl and no CPE: cannot be matched');
  const source = id?.source ?? foreignSource(f.properties);
  const pkg: Package = {
    id: f.id,
    name: id?.name ?? f.name,
    version: id?.version || f.version || '',
    type: id?.type ?? 'binary',
    purl: f.purl ?? '',
    ...(id?.arch !== undefined && { arch: id.arch }),
    ...(source !== undefined && { source }),
    licenses: f.licenses,
    locations: foreignLocations(f.properties, layers),
    cpes: f.cpes,
    foundBy: foreignFoundBy(f.properties) ?? tool,
  };
  return { pkg, ...(id?.distro && { distro: id.distro }), relationships: [] };
}

/**
 * The package an SBOM element describes, or undefined (with an Unknown unless `optional`) when it cannot
 * be matched: no purl and no CPE, an invalid purl, or a purl type Corral has no matcher for.
 */
export function decodePackage(
  f: ElementFacts,
  ctx: { layers: readonly SbomLayer[]; tool: string; unknowns: Unknown[] },
): DecodedPackage | undefined {
  return fromCorral(f) ?? fromForeign(f, ctx.layers, ctx.tool, ctx.unknowns);
}

/** Makes ids unique within one document (`x`, `x#2`…): other tools' refs may repeat. */
export function uniqueIds(): (id: string) => string {
  const seen = new Set<string>();
  return (id) => {
    let out = id;
    for (let n = 2; seen.has(out); n++) out = `${id}#${n}`;
    seen.add(out);
    return out;
  };
}

function dedupe(rels: Relationship[]): Relationship[] {
  const seen = new Set<string>();
  return rels.filter((r) => {
    const k = `${r.from}\0${r.type}\0${r.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** ISO timestamps in the model's form (`…T00:00:00.000Z`); '' when absent, verbatim when unparseable. */
function normaliseTimestamp(ts: string | undefined): string {
  if (ts === undefined) return '';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString();
}

export interface DecodedParts {
  image: SbomImage;
  distro: Distro | undefined;
  packages: Package[];
  relationships: Relationship[];
  unknowns: Unknown[];
  timestamp: string | undefined;
  tool: { name: string; version: string };
}

/**
 * The decoded SBOM: like the catalog runner's output, the image `contains` every package, and
 * relationships are unique and only between known nodes.
 */
export function assembleSbom(parts: DecodedParts): Sbom {
  const ids = new Set(parts.packages.map((p) => p.id));
  const known = (id: string): boolean => id === IMAGE_NODE_ID || ids.has(id);
  const relationships = dedupe([
    ...parts.packages.map((p): Relationship => ({ from: IMAGE_NODE_ID, to: p.id, type: 'contains' })),
    ...parts.relationships.filter((r) => known(r.from) && ids.has(r.to)),
  ]);
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: parts.image,
    ...(parts.distro && { distro: parts.distro }),
    packages: parts.packages,
    relationships,
    unknowns: parts.unknowns,
    createdAt: normaliseTimestamp(parts.timestamp),
    tool: parts.tool,
  };
}
