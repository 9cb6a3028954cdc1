/**
 * Building the input document: from the data `corral scan` already has (Image, Sbom, ScanResult), and
 * from a `policy test` fixture (zod, with defaults so fixtures state only what their case needs).
 */
import { z } from 'zod';
import type { Image } from '../image/types.js';
import type { Finding } from '../match/model.js';
import type { Sbom } from '../sbom/model.js';
import type { InputFinding, InputPackage, InputProvenance, PolicyInput } from './model.js';
import { repositoryOf } from './rules/registries.js';

const REGISTRY_PREFIX = 'registry:';

/** The registry repository of a normalised reference (`registry:ghcr.io/acme/app:1` → `ghcr.io/acme/app`). */
export function refRepository(ref: string): string | undefined {
  if (!ref.startsWith(REGISTRY_PREFIX)) return undefined;
  return repositoryOf(ref.slice(REGISTRY_PREFIX.length));
}

export function imageInput(img: Image): Pick<PolicyInput, 'image' | 'config'> {
  const repository = refRepository(img.ref);
  return {
    image: {
      ref: img.ref,
      ...(repository !== undefined && { repository }),
      ...(img.digest !== undefined && { digest: img.digest }),
      repoTags: img.repoTags,
      labels: img.config.config.Labels ?? {},
      ...(img.config.created !== undefined && { created: img.config.created }),
      user: img.config.config.User ?? '',
      layers: img.layers.map((l) => ({
        index: l.index,
        digest: l.digest,
        diffId: l.diffId,
        ...(l.createdBy !== undefined && { createdBy: l.createdBy }),
      })),
    },
    config: img.config as unknown as Record<string, unknown>,
  };
}

export function packagesInput(sbom: Sbom): InputPackage[] {
  return sbom.packages.map((p) => ({
    name: p.name,
    version: p.version,
    type: p.type,
    purl: p.purl,
    licenses: p.licenses,
    ...(p.locations[0] !== undefined && { layerIndex: p.locations[0].layerIndex }),
  }));
}

export function findingsInput(findings: readonly Finding[]): InputFinding[] {
  return findings.map((f) => ({
    id: f.vulnerability.id,
    aliases: f.vulnerability.aliases,
    package: { name: f.package.name, version: f.package.version, type: f.package.type, purl: f.package.purl },
    severity: f.severity,
    fixState: f.fixState,
    ...(f.fixedIn !== undefined && { fixedIn: f.fixedIn }),
    kev: f.vulnerability.kev !== undefined,
    ...(f.vulnerability.epss !== undefined && { epss: f.vulnerability.epss.score }),
    ...(f.cvssScore !== undefined && { cvss: f.cvssScore }),
    ...(f.vulnerability.published !== undefined && { published: f.vulnerability.published }),
    ...(f.introducedInLayer !== undefined && { layerIndex: f.introducedInLayer.index }),
  }));
}

const SLSA_PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//;

function strings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
}

/**
 * The builder id and source repositories of a SLSA provenance statement: v1
 * `predicate.runDetails.builder.id`, `buildDefinition.externalParameters` (any URI-looking string, e.g.
 * `workflow.repository`) and `resolvedDependencies[].uri`; v0.2 `predicate.builder.id` and
 * `invocation.configSource.uri`. `git+` prefixes and `@ref` suffixes are dropped from sources.
 */
export function provenanceFacts(
  statement: unknown,
): Pick<InputProvenance, 'builderId' | 'sourceRepositories'> {
  const s = (statement ?? {}) as { predicate?: Record<string, unknown> };
  const pred = (s.predicate ?? {}) as {
    runDetails?: { builder?: { id?: unknown } };
    builder?: { id?: unknown };
    buildDefinition?: { externalParameters?: unknown; resolvedDependencies?: { uri?: unknown }[] };
    invocation?: { configSource?: { uri?: unknown } };
  };
  const builderId = pred.runDetails?.builder?.id ?? pred.builder?.id;
  const raw: string[] = [];
  strings(pred.buildDefinition?.externalParameters, raw);
  for (const d of pred.buildDefinition?.resolvedDependencies ?? []) strings(d.uri, raw);
  strings(pred.invocation?.configSource?.uri, raw);
  const sources = raw
    .filter((u) => /^(git\+)?(https?|ssh|git):\/\//.test(u))
    .map((u) => u.replace(/^git\+/, '').replace(/^([a-z+]+:\/\/[^/]+\/[^@]*)@.*$/, '$1'));
  return {
    ...(typeof builderId === 'string' && { builderId }),
    sourceRepositories: [...new Set(sources)],
  };
}

export function isProvenanceType(predicateType: string): boolean {
  return SLSA_PROVENANCE.test(predicateType);
}

// ---- fixtures (`corral policy test`) ----

const FixtureImage = z
  .object({
    ref: z.string().default('fixture'),
    repository: z.string().optional(),
    digest: z.string().optional(),
    repoTags: z.array(z.string()).default([]),
    labels: z.record(z.string()).default({}),
    created: z.string().optional(),
    user: z.string().default(''),
    layers: z
      .array(
        z.object({
          index: z.number().int().min(0).optional(),
          digest: z.string().optional(),
          diffId: z.string(),
          createdBy: z.string().optional(),
        }),
      )
      .default([]),
  })
  .strict();

const FixtureFinding = z
  .object({
    id: z.string(),
    aliases: z.array(z.string()).default([]),
    package: z
      .object({
        name: z.string(),
        version: z.string(),
        type: z.string().default('deb'),
        purl: z.string().default(''),
      })
      .strict(),
    severity: z.enum(['critical', 'high', 'medium', 'low', 'negligible', 'unknown']),
    fixState: z.string().default('unknown'),
    fixedIn: z.string().optional(),
    kev: z.boolean().default(false),
    epss: z.number().min(0).max(1).optional(),
    cvss: z.number().optional(),
    published: z.string().optional(),
    layerIndex: z.number().int().optional(),
  })
  .strict();

const FixturePackage = z
  .object({
    name: z.string(),
    version: z.string(),
    type: z.string(),
    purl: z.string().default(''),
    licenses: z.array(z.string()).default([]),
    layerIndex: z.number().int().optional(),
  })
  .strict();

const FixtureProvenance = z
  .object({
    keyFingerprint: z.string(),
    predicateType: z.string().default('https://slsa.dev/provenance/v1'),
    builderId: z.string().optional(),
    sourceRepositories: z.array(z.string()).optional(),
    statement: z.unknown().optional(),
  })
  .strict();

/** The input document as a fixture writes it: everything optional except what a case asserts on. */
export const FixtureInput = z
  .object({
    image: FixtureImage.default({}),
    config: z.record(z.unknown()).default({}),
    packages: z.array(FixturePackage).default([]),
    findings: z.array(FixtureFinding).default([]),
    signatures: z
      .array(z.object({ keyFingerprint: z.string(), dockerReference: z.string().default('') }).strict())
      .default([]),
    provenance: z.array(FixtureProvenance).default([]),
    secrets: z
      .array(
        z
          .object({
            ruleId: z.string(),
            path: z.string(),
            layerIndex: z.number().int().default(0),
            line: z.number().int().optional(),
            redacted: z.string().default('****'),
          })
          .strict(),
      )
      .default([]),
    trustFailures: z.array(z.string()).default([]),
    baseImages: z.record(z.array(z.string())).default({}),
    env: z.string().optional(),
  })
  .strict();

/** A fixture's input as the full document (layer indexes filled in, provenance facts derived). */
export function fixtureToInput(raw: z.infer<typeof FixtureInput>, env: string): PolicyInput {
  const { image, provenance, ...rest } = raw;
  return {
    ...rest,
    env,
    image: {
      ...image,
      layers: image.layers.map((l, i) => ({
        index: l.index ?? i,
        digest: l.digest ?? l.diffId,
        diffId: l.diffId,
        ...(l.createdBy !== undefined && { createdBy: l.createdBy }),
      })),
    },
    provenance: provenance.map((p) => {
      const derived = provenanceFacts(p.statement);
      const builderId = p.builderId ?? derived.builderId;
      return {
        keyFingerprint: p.keyFingerprint,
        predicateType: p.predicateType,
        ...(builderId !== undefined && { builderId }),
        sourceRepositories: p.sourceRepositories ?? derived.sourceRepositories,
        statement: p.statement ?? null,
      };
    }),
  };
}
