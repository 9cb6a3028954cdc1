/**
 * CycloneDX JSON (1.2–1.6) reader. Corral's own output is restored exactly (see encode.ts); other tools'
 * (syft, trivy) are read for what matching needs: packages from purls, the distro from the
 * `operating-system` component or the purls' `distro=` qualifier, the image from the root component.
 *
 * ref. https://cyclonedx.org/docs/1.6/json/
 */
import { z } from 'zod';
import type { Distro, Package, Relationship, Unknown } from '../../catalog/model.js';
import { AppError } from '../../errors.js';
import { assembleSbom, decodePackage, uniqueIds } from '../decoding.js';
import { foreignImage } from '../foreign-properties.js';
import { splitConjunction } from '../license.js';
import { IMAGE_NODE_ID, type Sbom, type SbomImage } from '../model.js';
import { looseArray, parseDocument, parseElement, PropertySchema } from '../parse-boundary.js';
import {
  distroFromProperties,
  imageFromProperties,
  unknownsFromProperties,
  type Property,
} from '../properties.js';

/** JSON exists since CycloneDX 1.2. */
const MIN_MINOR = 2;
/** Nested `components` deeper than this are not read (hostile documents). */
const MAX_NESTING = 32;

const License = z.union([
  z.object({ expression: z.string() }),
  z.object({ license: z.object({ id: z.string().optional(), name: z.string().optional() }) }),
]);
const Component = z.object({
  'bom-ref': z.string().optional(),
  type: z.string(),
  name: z.string(),
  version: z.string().optional(),
  description: z.string().optional(),
  purl: z.string().optional(),
  cpe: z.string().optional(),
  licenses: looseArray(License).optional(),
  properties: looseArray(PropertySchema).optional(),
  components: z.array(z.unknown()).optional(),
});
type Component = z.output<typeof Component>;
const Tool = z.object({ name: z.string().optional(), version: z.string().optional() });
const Bom = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string(),
  metadata: z
    .object({
      timestamp: z.string().optional(),
      tools: z.union([z.array(Tool), z.object({ components: z.array(Tool).optional() })]).optional(),
      component: z.unknown().optional(),
      properties: looseArray(PropertySchema).optional(),
    })
    .optional(),
  components: z.array(z.unknown()).optional(),
  dependencies: looseArray(
    z.object({ ref: z.string(), dependsOn: z.array(z.string()).optional() }),
  ).optional(),
});
type Bom = z.output<typeof Bom>;

export function isCycloneDx(doc: unknown): boolean {
  return (
    typeof doc === 'object' && doc !== null && (doc as { bomFormat?: unknown }).bomFormat === 'CycloneDX'
  );
}

function checkVersion(specVersion: string): void {
  const m = /^1\.(\d+)$/.exec(specVersion);
  if (m && Number(m[1]) >= MIN_MINOR) return;
  throw new AppError(
    'SBOM_VERSION_UNSUPPORTED',
    `CycloneDX ${specVersion} JSON is not supported (1.2 to 1.6 are)`,
    {
      hint: 'convert it with the CycloneDX CLI (cyclonedx convert --output-version v1_6)',
    },
  );
}

function licensesOf(c: Component): string[] {
  return (c.licenses ?? []).flatMap((l) =>
    'expression' in l
      ? splitConjunction(l.expression)
      : [l.license.id ?? l.license.name ?? ''].filter(Boolean),
  );
}

/** All components, nested ones included, with their document path; bad ones become Unknowns. */
function flatten(
  items: readonly unknown[],
  at: string,
  depth: number,
  unknowns: Unknown[],
): Array<[string, Component]> {
  const out: Array<[string, Component]> = [];
  items.forEach((raw, i) => {
    const where = `${at}[${i}]`;
    const c = parseElement(Component, raw, where, unknowns);
    if (!c) return;
    out.push([where, c]);
    if (c.components && depth < MAX_NESTING)
      out.push(...flatten(c.components, `${where}.components`, depth + 1, unknowns));
  });
  return out;
}

function toolOf(bom: Bom): { name: string; version: string } {
  const tools = bom.metadata?.tools;
  const t = Array.isArray(tools) ? tools[0] : tools?.components?.[0];
  return { name: t?.name ?? 'unknown', version: t?.version ?? '' };
}

function imageOf(root: Component | undefined): SbomImage {
  const props: Property[] = root?.properties ?? [];
  return imageFromProperties(props) ?? foreignImage(root?.name, root?.version, props);
}

function distroOf(c: Component): Distro {
  return (
    distroFromProperties(c.properties ?? []) ?? {
      id: c.name.toLowerCase(),
      ...(c.version && { versionId: c.version }),
    }
  );
}

interface Collected {
  packages: Package[];
  relationships: Relationship[];
  distro?: Distro;
  purlDistro?: Distro;
}

function collectPackages(
  flat: Array<[string, Component]>,
  image: SbomImage,
  tool: string,
  unknowns: Unknown[],
): Collected {
  const out: Collected = { packages: [], relationships: [] };
  const unique = uniqueIds();
  for (const [where, c] of flat) {
    if (c.type === 'operating-system') {
      out.distro ??= distroOf(c);
      continue;
    }
    const facts = {
      where,
      id: unique(c['bom-ref'] ?? where),
      name: c.name,
      ...(c.version !== undefined && { version: c.version }),
      ...(c.purl !== undefined && { purl: c.purl }),
      cpes: c.cpe ? [c.cpe] : [],
      licenses: licensesOf(c),
      properties: c.properties ?? [],
      optional: c.type !== 'library' && c.type !== 'framework',
    };
    const d = decodePackage(facts, { layers: image.layers, tool, unknowns });
    if (!d) continue;
    out.packages.push(d.pkg);
    out.purlDistro ??= d.distro;
    for (const r of d.relationships) out.relationships.push({ from: d.pkg.id, to: r.to, type: r.type });
  }
  return out;
}

/** `dependencies`: the root's list is containment; edges between packages are `depends-on`. */
function dependencyEdges(bom: Bom, rootRef: string | undefined, ids: Set<string>): Relationship[] {
  const out: Relationship[] = [];
  for (const d of bom.dependencies ?? []) {
    const from = d.ref === rootRef ? IMAGE_NODE_ID : d.ref;
    if (from !== IMAGE_NODE_ID && !ids.has(from)) continue;
    for (const to of d.dependsOn ?? []) {
      if (ids.has(to)) out.push({ from, to, type: from === IMAGE_NODE_ID ? 'contains' : 'depends-on' });
    }
  }
  return out;
}

/** Decodes a parsed CycloneDX JSON document. */
export function decodeCycloneDx(doc: unknown): Sbom {
  const bom = parseDocument(Bom, doc, 'CycloneDX');
  checkVersion(bom.specVersion);
  const unknowns = unknownsFromProperties(bom.metadata?.properties ?? []);
  const root =
    bom.metadata?.component === undefined
      ? undefined
      : parseElement(Component, bom.metadata.component, 'metadata.component', unknowns);
  const image = imageOf(root);
  const tool = toolOf(bom);
  const c = collectPackages(
    flatten(bom.components ?? [], 'components', 0, unknowns),
    image,
    tool.name,
    unknowns,
  );
  const ids = new Set(c.packages.map((p) => p.id));
  return assembleSbom({
    image,
    distro: c.distro ?? c.purlDistro,
    packages: c.packages,
    relationships: [...dependencyEdges(bom, root?.['bom-ref'], ids), ...c.relationships],
    unknowns,
    timestamp: bom.metadata?.timestamp,
    tool,
  });
}
