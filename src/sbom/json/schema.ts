/**
 * The schema of Corral's own SBOM JSON (`corral sbom -o json`): the {@link Sbom} model as is. Documented
 * field by field in README.md next to this file.
 *
 * Changelog of `schemaVersion` (SBOM_MODEL_VERSION in ../model.ts):
 * - 1: first version.
 */
import { z } from 'zod';
import { PACKAGE_TYPES, type PackageType } from '../../catalog/model.js';

export const LocationSchema = z.object({ path: z.string(), layerIndex: z.number().int() });

export const PackageSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  version: z.string(),
  type: z.enum(PACKAGE_TYPES as [PackageType, ...PackageType[]]),
  purl: z.string(),
  arch: z.string().optional(),
  source: z.object({ name: z.string(), version: z.string().optional() }).optional(),
  licenses: z.array(z.string()),
  locations: z.array(LocationSchema),
  cpes: z.array(z.string()),
  foundBy: z.string(),
  properties: z.record(z.string()).optional(),
});

export const DistroSchema = z.object({
  id: z.string(),
  versionId: z.string().optional(),
  codename: z.string().optional(),
  prettyName: z.string().optional(),
  idLike: z.array(z.string()).optional(),
});

export const RelationshipSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: z.enum(['contains', 'depends-on', 'evident-by']),
});

export const UnknownSchema = z.object({
  path: z.string(),
  layerIndex: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
  cataloger: z.string().optional(),
});

export const ImageSchema = z.object({
  ref: z.string(),
  digest: z.string().optional(),
  configDigest: z.string().optional(),
  repoTags: z.array(z.string()),
  repoDigests: z.array(z.string()),
  platform: z.string(),
  layers: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      digest: z.string(),
      diffId: z.string(),
      size: z.number().nonnegative().optional(),
      createdBy: z.string().optional(),
    }),
  ),
  labels: z.record(z.string()).optional(),
});

/** The document skeleton; `packages` and `relationships` are checked element by element. */
export const SbomDocumentSchema = z.object({
  schemaVersion: z.number().int().positive(),
  tool: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  image: ImageSchema,
  distro: DistroSchema.optional(),
  packages: z.array(z.unknown()),
  relationships: z.array(z.unknown()),
  unknowns: z.array(z.unknown()).default([]),
});
