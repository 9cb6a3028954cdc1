/**
 * CycloneDX 1.6 JSON writer. The image is `metadata.component` (type `container`, version = manifest
 * digest, facts as `corral:image:*` properties), the distro an `operating-system` component, each package
 * a `library` (`application` for binaries) whose `bom-ref` is `Package.id`. `dependencies` hold the image
 * → packages containment and package → package `depends-on` edges. Property names: src/sbom/README.md.
 *
 * ref. https://cyclonedx.org/docs/1.6/json/
 */
import { randomUUID } from 'node:crypto';
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

export const CYCLONEDX_SPEC_VERSION = '1.6';
export const CYCLONEDX_SCHEMA_URL = 'http://cyclonedx.org/schema/bom-1.6.schema.json';
/** `hashes[].alg` names for OCI digest algorithms. */
const HASH_ALG: Record<string, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export type CdxLicense = { license: { id: string } | { name: string } } | { expression: string };

/**
 * A list of `{license: {id|name}}`, or exactly one `{expression}` when any licence is a compound
 * expression (the two cannot be mixed); free text next to an expression makes every entry a name.
 */
export function cdxLicenses(licenses: readonly string[]): CdxLicense[] {
  const unique = [...new Set(licenses)];
  const kinds = unique.map(classifyLicense);
  const entries = (): CdxLicense[] =>
    kinds.map((k, i) => ({ license: k.kind === 'id' ? { id: k.id } : { name: unique[i]! } }));
  if (!kinds.some((k) => k.kind === 'expression')) return entries();
  const expression = conjunction(unique);
  return expression !== undefined ? [{ expression }] : entries();
}

/** The bom-ref of the operating-system component. */
export function osBomRef(d: Distro): string {
  return `os:${d.id}${d.versionId !== undefined ? `@${d.versionId}` : ''}`;
}

function imageComponent(sbom: Sbom): Record<string, unknown> {
  const digest = splitDigest(sbom.image.digest);
  const alg = digest && HASH_ALG[digest.algorithm];
  return {
    'bom-ref': IMAGE_NODE_ID,
    type: 'container',
    name: imageName(sbom.image),
    ...(sbom.image.digest !== undefined && { version: sbom.image.digest }),
    ...(alg && { hashes: [{ alg, content: digest.hex }] }),
    properties: imageProperties(sbom.image),
  };
}

function osComponent(d: Distro): Record<string, unknown> {
  return {
    'bom-ref': osBomRef(d),
    type: 'operating-system',
    name: d.id,
    ...(d.versionId !== undefined && { version: d.versionId }),
    ...(d.prettyName !== undefined && { description: d.prettyName }),
    properties: distroProperties(d),
  };
}

function packageComponent(pkg: Package, sbom: Sbom, rels: readonly Relationship[]): Record<string, unknown> {
  const licenses = cdxLicenses(pkg.licenses);
  const extraRelationships = rels.filter((r) => r.type !== 'depends-on');
  return {
    'bom-ref': pkg.id,
    type: pkg.type === 'binary' ? 'application' : 'library',
    name: pkg.name,
    ...(pkg.version !== '' && { version: pkg.version }),
    ...(licenses.length > 0 && { licenses }),
    ...(pkg.cpes[0] !== undefined && { cpe: pkg.cpes[0] }),
    ...(pkg.purl !== '' && { purl: pkg.purl }),
    properties: packageProperties(pkg, sbom.image.layers, { extraCpes: true, extraRelationships }),
  };
}

function* components(sbom: Sbom, byFrom: Map<string, Relationship[]>): Generator<Record<string, unknown>> {
  if (sbom.distro) yield osComponent(sbom.distro);
  for (const pkg of sortedPackages(sbom)) yield packageComponent(pkg, sbom, byFrom.get(pkg.id) ?? []);
}

/** `dependencies`: the image's `contains` edges, then each package's `depends-on` edges. */
function* dependencies(byFrom: Map<string, Relationship[]>): Generator<{ ref: string; dependsOn: string[] }> {
  const image = (byFrom.get(IMAGE_NODE_ID) ?? []).filter((r) => r.type === 'contains');
  yield { ref: IMAGE_NODE_ID, dependsOn: [...new Set(image.map((r) => r.to))] };
  const refs = [...byFrom.keys()].filter((k) => k !== IMAGE_NODE_ID).sort();
  for (const ref of refs) {
    const on = byFrom.get(ref)!.filter((r) => r.type === 'depends-on');
    if (on.length > 0) yield { ref, dependsOn: [...new Set(on.map((r) => r.to))] };
  }
}

function metadata(sbom: Sbom): Record<string, unknown> {
  const props: Property[] = unknownsProperties(sbom.unknowns);
  return {
    ...(sbom.createdAt !== '' && { timestamp: sbom.createdAt }),
    tools: { components: [{ type: 'application', name: sbom.tool.name, version: sbom.tool.version }] },
    component: imageComponent(sbom),
    ...(props.length > 0 && { properties: props }),
  };
}

/** Writes `sbom` as CycloneDX 1.6 JSON; components and dependencies are streamed. */
export async function encodeCycloneDx(sbom: Sbom, out: Writable): Promise<void> {
  const byFrom = relationshipsByFrom(resolvableRelationships(sbom));
  await writeJson(out, {
    $schema: CYCLONEDX_SCHEMA_URL,
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: metadata(sbom),
    components: streamed(components(sbom, byFrom)),
    dependencies: streamed(dependencies(byFrom)),
  });
}
