/**
 * The `corral:` name/value properties that carry what CycloneDX and SPDX have no field for (layers,
 * locations, cataloger, source package…). CycloneDX writes them as `properties`, SPDX as annotations
 * (`name=value`); both decoders read them back with the functions here, so the two formats cannot drift.
 * The vocabulary is listed in src/sbom/README.md.
 */
import type { Distro, Location, Package, PackageType, RelationshipType, Unknown } from '../catalog/model.js';
import { PACKAGE_TYPES } from '../catalog/model.js';
import type { SbomImage, SbomLayer } from './model.js';

export interface Property {
  name: string;
  value: string;
}

export const PROP = {
  imageRef: 'corral:image:ref',
  imageDigest: 'corral:image:digest',
  imageConfigDigest: 'corral:image:configDigest',
  imageRepoTag: 'corral:image:repoTag',
  imageRepoDigest: 'corral:image:repoDigest',
  imagePlatform: 'corral:image:platform',
  imageLabel: 'corral:image:label:',
  imageLayer: 'corral:image:layer:',
  distro: 'corral:distro:',
  type: 'corral:package:type',
  foundBy: 'corral:package:foundBy',
  arch: 'corral:package:arch',
  sourceName: 'corral:package:source:name',
  sourceVersion: 'corral:package:source:version',
  /** CPEs after the first (CycloneDX has one `cpe` field). */
  cpe: 'corral:package:cpe',
  location: 'corral:location:',
  relationship: 'corral:relationship:',
  unknown: 'corral:unknown:',
} as const;

const RESERVED = new Set<string>([
  PROP.type,
  PROP.foundBy,
  PROP.arch,
  PROP.sourceName,
  PROP.sourceVersion,
  PROP.cpe,
]);
const RESERVED_PREFIXES = [PROP.location, PROP.relationship];
const RELATIONSHIP_TYPES: readonly RelationshipType[] = ['contains', 'depends-on', 'evident-by'];

const p = (name: string, value: string | number): Property => ({ name, value: String(value) });

/** Groups `<prefix>N:field` properties by N (in index order). */
function indexed(props: readonly Property[], prefix: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const { name, value } of props) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+):(.+)$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const n = Number(m[1]);
    const rec = out.get(n) ?? {};
    rec[m[2]!] = value;
    out.set(n, rec);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

const all = (props: readonly Property[], name: string): string[] =>
  props.filter((x) => x.name === name).map((x) => x.value);
const first = (props: readonly Property[], name: string): string | undefined =>
  props.find((x) => x.name === name)?.value;

export function imageProperties(image: SbomImage): Property[] {
  const out = [p(PROP.imageRef, image.ref)];
  if (image.digest !== undefined) out.push(p(PROP.imageDigest, image.digest));
  if (image.configDigest !== undefined) out.push(p(PROP.imageConfigDigest, image.configDigest));
  for (const t of image.repoTags) out.push(p(PROP.imageRepoTag, t));
  for (const d of image.repoDigests) out.push(p(PROP.imageRepoDigest, d));
  out.push(p(PROP.imagePlatform, image.platform));
  for (const l of image.layers) {
    const at = `${PROP.imageLayer}${l.index}:`;
    out.push(p(`${at}digest`, l.digest), p(`${at}diffId`, l.diffId));
    if (l.size !== undefined) out.push(p(`${at}size`, l.size));
    if (l.createdBy !== undefined) out.push(p(`${at}createdBy`, l.createdBy));
  }
  for (const k of Object.keys(image.labels ?? {}).sort())
    out.push(p(`${PROP.imageLabel}${k}`, image.labels![k]!));
  return out;
}

/** The image as Corral wrote it; undefined when the properties are not Corral's. */
export function imageFromProperties(props: readonly Property[]): SbomImage | undefined {
  const ref = first(props, PROP.imageRef);
  if (ref === undefined) return undefined;
  const layers: SbomLayer[] = [];
  for (const [index, r] of indexed(props, PROP.imageLayer)) {
    const size = r.size === undefined ? NaN : Number(r.size);
    layers.push({
      index,
      digest: r.digest ?? '',
      diffId: r.diffId ?? '',
      ...(Number.isFinite(size) && { size }),
      ...(r.createdBy !== undefined && { createdBy: r.createdBy }),
    });
  }
  const labels: Record<string, string> = {};
  for (const x of props)
    if (x.name.startsWith(PROP.imageLabel)) labels[x.name.slice(PROP.imageLabel.length)] = x.value;
  const digest = first(props, PROP.imageDigest);
  const configDigest = first(props, PROP.imageConfigDigest);
  return {
    ref,
    ...(digest !== undefined && { digest }),
    ...(configDigest !== undefined && { configDigest }),
    repoTags: all(props, PROP.imageRepoTag),
    repoDigests: all(props, PROP.imageRepoDigest),
    platform: first(props, PROP.imagePlatform) ?? '',
    layers,
    ...(Object.keys(labels).length > 0 && { labels }),
  };
}

export function distroProperties(d: Distro): Property[] {
  const out = [p(`${PROP.distro}id`, d.id)];
  if (d.versionId !== undefined) out.push(p(`${PROP.distro}versionId`, d.versionId));
  if (d.codename !== undefined) out.push(p(`${PROP.distro}codename`, d.codename));
  if (d.prettyName !== undefined) out.push(p(`${PROP.distro}prettyName`, d.prettyName));
  if (d.idLike !== undefined) out.push(p(`${PROP.distro}idLike`, d.idLike.join(' ')));
  return out;
}

export function distroFromProperties(props: readonly Property[]): Distro | undefined {
  const get = (k: string): string | undefined => first(props, `${PROP.distro}${k}`);
  const id = get('id');
  if (id === undefined) return undefined;
  const [versionId, codename, prettyName, idLike] = [
    get('versionId'),
    get('codename'),
    get('prettyName'),
    get('idLike'),
  ];
  return {
    id,
    ...(versionId !== undefined && { versionId }),
    ...(codename !== undefined && { codename }),
    ...(prettyName !== undefined && { prettyName }),
    ...(idLike !== undefined && { idLike: idLike.split(' ').filter(Boolean) }),
  };
}

/**
 * A package's facts beyond name/version/purl/licenses/first CPE. `extraRelationships` are the
 * relationships from this package that the format has no native construct for (e.g. `evident-by`).
 */
export function packageProperties(
  pkg: Package,
  layers: readonly SbomLayer[],
  opts: { extraCpes: boolean; extraRelationships?: ReadonlyArray<{ type: RelationshipType; to: string }> },
): Property[] {
  const out = [p(PROP.type, pkg.type), p(PROP.foundBy, pkg.foundBy)];
  if (pkg.arch !== undefined) out.push(p(PROP.arch, pkg.arch));
  if (pkg.source !== undefined) {
    out.push(p(PROP.sourceName, pkg.source.name));
    if (pkg.source.version !== undefined) out.push(p(PROP.sourceVersion, pkg.source.version));
  }
  if (opts.extraCpes) for (const c of pkg.cpes.slice(1)) out.push(p(PROP.cpe, c));
  pkg.locations.forEach((l, i) => {
    out.push(p(`${PROP.location}${i}:path`, l.path), p(`${PROP.location}${i}:layerIndex`, l.layerIndex));
    const diffId = layers.find((x) => x.index === l.layerIndex)?.diffId;
    if (diffId) out.push(p(`${PROP.location}${i}:layerDiffId`, diffId));
  });
  for (const r of opts.extraRelationships ?? []) out.push(p(`${PROP.relationship}${r.type}`, r.to));
  for (const k of Object.keys(pkg.properties ?? {}).sort()) out.push(p(k, pkg.properties![k]!));
  return out;
}

export interface PackageFacts {
  type?: PackageType;
  foundBy?: string;
  arch?: string;
  source?: { name: string; version?: string };
  /** CPEs after the first. */
  cpes: string[];
  locations: Location[];
  relationships: Array<{ type: RelationshipType; to: string }>;
  properties: Record<string, string>;
}

const isPackageType = (t: string | undefined): t is PackageType => PACKAGE_TYPES.includes(t as PackageType);

/** Reads {@link packageProperties} back; other tools' properties (no `corral:` prefix) are ignored. */
export function packageFromProperties(props: readonly Property[]): PackageFacts {
  const type = first(props, PROP.type);
  const foundBy = first(props, PROP.foundBy);
  const arch = first(props, PROP.arch);
  const sourceName = first(props, PROP.sourceName);
  const sourceVersion = first(props, PROP.sourceVersion);
  const locations: Location[] = [];
  for (const r of indexed(props, PROP.location).values()) {
    if (r.path === undefined) continue;
    const layer = r.layerIndex === undefined ? NaN : Number(r.layerIndex);
    locations.push({ path: r.path, layerIndex: Number.isInteger(layer) ? layer : -1 });
  }
  const relationships: PackageFacts['relationships'] = [];
  for (const x of props) {
    const t = x.name.startsWith(PROP.relationship) ? x.name.slice(PROP.relationship.length) : undefined;
    if (t !== undefined && RELATIONSHIP_TYPES.includes(t as RelationshipType)) {
      relationships.push({ type: t as RelationshipType, to: x.value });
    }
  }
  const properties: Record<string, string> = {};
  for (const x of props) {
    if (!x.name.startsWith('corral:') || RESERVED.has(x.name)) continue;
    if (RESERVED_PREFIXES.some((pre) => x.name.startsWith(pre))) continue;
    properties[x.name] = x.value;
  }
  return {
    ...(isPackageType(type) && { type }),
    ...(foundBy !== undefined && { foundBy }),
    ...(arch !== undefined && { arch }),
    ...(sourceName !== undefined && {
      source: { name: sourceName, ...(sourceVersion !== undefined && { version: sourceVersion }) },
    }),
    cpes: all(props, PROP.cpe),
    locations,
    relationships,
    properties,
  };
}

export function unknownsProperties(unknowns: readonly Unknown[]): Property[] {
  const out: Property[] = [];
  unknowns.forEach((u, i) => {
    const at = `${PROP.unknown}${i}:`;
    out.push(p(`${at}path`, u.path), p(`${at}code`, u.code), p(`${at}message`, u.message));
    if (u.layerIndex !== undefined) out.push(p(`${at}layerIndex`, u.layerIndex));
    if (u.cataloger !== undefined) out.push(p(`${at}cataloger`, u.cataloger));
  });
  return out;
}

export function unknownsFromProperties(props: readonly Property[]): Unknown[] {
  const out: Unknown[] = [];
  for (const r of indexed(props, PROP.unknown).values()) {
    const layer = r.layerIndex === undefined ? NaN : Number(r.layerIndex);
    out.push({
      path: r.path ?? '',
      ...(Number.isInteger(layer) && { layerIndex: layer }),
      code: r.code ?? 'UNKNOWN',
      message: r.message ?? '',
      ...(r.cataloger !== undefined && { cataloger: r.cataloger }),
    });
  }
  return out;
}
