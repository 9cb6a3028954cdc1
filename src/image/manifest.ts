/**
 * Manifests and indexes (image-spec manifest.md, image-index.md; Docker schema 2 has the same shape),
 * and platform selection from an index. Shared by every source that reads manifests.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { manifestKind } from './registry/media-types.js';
import type { Descriptor, Platform } from './types.js';

const PlatformSchema = z
  .object({
    os: z.string(),
    architecture: z.string(),
    variant: z.string().optional(),
    'os.version': z.string().optional(),
    'os.features': z.array(z.string()).optional(),
  })
  .passthrough();

export const DescriptorSchema = z
  .object({
    mediaType: z.string(),
    digest: z.string(),
    size: z.number().int().nonnegative(),
    annotations: z.record(z.string(), z.string()).optional(),
    platform: PlatformSchema.optional(),
    urls: z.array(z.string()).optional(),
  })
  .passthrough();

export const ManifestSchema = z
  .object({
    schemaVersion: z.number(),
    mediaType: z.string().optional(),
    config: DescriptorSchema,
    layers: z.array(DescriptorSchema),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
export type Manifest = z.infer<typeof ManifestSchema>;

export const IndexSchema = z
  .object({
    schemaVersion: z.number(),
    mediaType: z.string().optional(),
    manifests: z.array(DescriptorSchema),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
export type Index = z.infer<typeof IndexSchema>;

export type ParsedManifest = { kind: 'index'; index: Index } | { kind: 'manifest'; manifest: Manifest };

/** Parses manifest bytes, using the declared media type (or the body's `mediaType`/shape) to pick the kind. */
export function parseManifest(
  bytes: Buffer,
  declaredType: string | undefined,
  where: string,
): ParsedManifest {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('IMAGE_MANIFEST_INVALID', `${where}: manifest is not valid JSON`, { cause: err });
  }
  if (typeof json !== 'object' || json === null)
    throw new AppError('IMAGE_MANIFEST_INVALID', `${where}: manifest is not a JSON object`);
  const bodyType = typeof json.mediaType === 'string' ? json.mediaType : undefined;
  let kind = manifestKind(declaredType ?? bodyType ?? '');
  if (kind === 'unknown' && declaredType === undefined && bodyType === undefined) {
    kind = Array.isArray(json.manifests) ? 'index' : json.schemaVersion === 1 ? 'schema1' : 'manifest';
  }
  if (kind === 'schema1' || json.schemaVersion === 1) {
    throw new AppError('IMAGE_SCHEMA1_UNSUPPORTED', `${where}: Docker schema 1 manifests are not supported`, {
      hint: 're-push the image with a current Docker or skopeo to convert it to schema 2 / OCI',
    });
  }
  if (kind === 'unknown') {
    throw new AppError(
      'IMAGE_MEDIA_TYPE_UNSUPPORTED',
      `${where}: unsupported manifest media type "${declaredType ?? bodyType ?? ''}"`,
    );
  }
  const schema = kind === 'index' ? IndexSchema : ManifestSchema;
  const r = schema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError('IMAGE_MANIFEST_INVALID', `${where}: invalid ${kind}: ${issues}`);
  }
  return kind === 'index'
    ? { kind, index: r.data as Index }
    : { kind: 'manifest', manifest: r.data as Manifest };
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

/**
 * Parses `os/arch[/variant]`.
 * @example parsePlatform('linux/arm64/v8') // { os: 'linux', architecture: 'arm64', variant: 'v8' }
 */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) {
    throw new AppError('CLI_USAGE', `invalid platform "${text}"`, {
      hint: 'use OS/ARCH[/VARIANT], e.g. linux/arm64/v8',
    });
  }
  return { os, architecture, ...(variant && { variant }) };
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/');
}

/** Architecture aliases as `uname -m` and other tools spell them (containerd's platforms normaliser). */
const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  armhf: 'arm',
  armel: 'arm',
  i686: '386',
  i386: '386',
};

function normArch(arch: string): string {
  return ARCH_ALIASES[arch.toLowerCase()] ?? arch.toLowerCase();
}

/** Default variants when a descriptor or request omits one (arm64 → v8, arm → v7, as containerd). */
function normVariant(arch: string, variant: string | undefined): string | undefined {
  if (variant) return variant;
  if (arch === 'arm64') return 'v8';
  if (arch === 'arm') return 'v7';
  return undefined;
}

export function platformMatches(have: Platform | undefined, want: Platform): boolean {
  if (!have || have.os !== want.os) return false;
  const arch = normArch(want.architecture);
  if (normArch(have.architecture) !== arch) return false;
  return normVariant(arch, have.variant) === normVariant(arch, want.variant);
}

/**
 * Picks the manifest for `want` from an index, skipping attestation manifests (`unknown/unknown`).
 * Throws `IMAGE_PLATFORM_NOT_FOUND` listing what the index offers.
 */
export function selectPlatform(index: Index, want: Platform, where: string): Descriptor {
  // BuildKit stores provenance/SBOM attestations as `unknown/unknown` manifests tagged by annotation
  const images = index.manifests.filter(
    (d) =>
      d.platform?.os !== 'unknown' && d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
  );
  const hit = images.find((d) => platformMatches(d.platform, want));
  if (hit) return hit;
  if (images.length === 1 && images[0]?.platform === undefined) return images[0] as Descriptor;
  const offered = images.map((d) => formatPlatform(d.platform)).join(', ') || 'none';
  throw new AppError(
    'IMAGE_PLATFORM_NOT_FOUND',
    `${where} has no image for platform ${formatPlatform(want)} (available: ${offered})`,
    {
      hint: 'choose one with --platform OS/ARCH[/VARIANT]',
    },
  );
}
