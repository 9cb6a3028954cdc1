/**
 * cosign's on-registry layout: tags, media types, annotations, the simple-signing payload and the
 * signature/attestation manifests. Pure functions (no I/O), so tests can check the bytes.
 *
 * ref. https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 * ref. https://github.com/containers/image/blob/main/docs/containers-signature.5.md (simple signing)
 */
import { computeDigest } from '../../image/layer/digest.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../../image/registry/media-types.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

export type ArtifactKind = 'sig' | 'att';

/** `sha256:abc…` → `sha256-abc….sig` (or `.att`): where cosign stores signatures of that digest. */
export function cosignTag(imageDigest: string, kind: ArtifactKind): string {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(imageDigest);
  if (m === null) throw new Error(`not a digest: ${imageDigest}`);
  return `${m[1]}-${m[2]}.${kind}`;
}

export interface SimpleSigningPayload {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional: Record<string, unknown> | null;
}

/**
 * The payload bytes cosign signs: compact JSON with keys in this order (Go's struct order), `optional`
 * null when there are no annotations.
 */
export function simpleSigningPayload(
  dockerReference: string,
  manifestDigest: string,
  optional: Record<string, unknown> | null = null,
): Buffer {
  const doc: SimpleSigningPayload = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': manifestDigest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: optional !== null && Object.keys(optional).length > 0 ? optional : null,
  };
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

/** Parses a simple-signing payload; returns a reason string when it is malformed. */
export function parseSimpleSigning(bytes: Uint8Array): SimpleSigningPayload | string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'payload is not JSON';
  }
  const c = (doc as { critical?: unknown } | null)?.critical as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) return 'payload lacks "critical"';
  const ref = (c.identity as Record<string, unknown> | undefined)?.['docker-reference'];
  const digest = (c.image as Record<string, unknown> | undefined)?.['docker-manifest-digest'];
  if (typeof digest !== 'string') return 'payload lacks "critical.image.docker-manifest-digest"';
  if (c.type !== SIMPLE_SIGNING_TYPE) return `payload "critical.type" is ${JSON.stringify(c.type)}`;
  const optional = (doc as { optional?: unknown }).optional;
  return {
    critical: {
      identity: { 'docker-reference': typeof ref === 'string' ? ref : '' },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional:
      typeof optional === 'object' && optional !== null ? (optional as Record<string, unknown>) : null,
  };
}

export interface OciDescriptor {
  mediaType: string;
  size: number;
  digest: string;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

export function descriptorOf(
  mediaType: string,
  bytes: Uint8Array,
  annotations?: Record<string, string>,
): OciDescriptor {
  return {
    mediaType,
    size: bytes.byteLength,
    digest: computeDigest(bytes),
    ...(annotations !== undefined && { annotations }),
  };
}

/**
 * The config blob of a signature image, as cosign writes it: an OCI config with empty platform, the zero
 * timestamp and one diff_id per layer (the layers are uncompressed, so diff_id = digest).
 */
export function signatureConfig(layers: readonly OciDescriptor[]): Buffer {
  const zero = '0001-01-01T00:00:00Z';
  const config = {
    architecture: '',
    created: zero,
    history: layers.map(() => ({ created: zero })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  };
  return Buffer.from(JSON.stringify(config), 'utf8');
}

/** Builds the manifest (and its config blob) holding `layers` in order. */
export function signatureManifest(layers: readonly OciDescriptor[]): { manifest: Buffer; config: Buffer } {
  const config = signatureConfig(layers);
  const doc: OciManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptorOf(OCI_CONFIG, config),
    layers: [...layers],
  };
  return { manifest: Buffer.from(JSON.stringify(doc), 'utf8'), config };
}

/** Reads the layer list of a signature manifest; a reason string when malformed. */
export function parseSignatureManifest(bytes: Uint8Array): OciDescriptor[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'signature manifest is not JSON';
  }
  const layers = (doc as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) return 'signature manifest has no "layers" array';
  const out: OciDescriptor[] = [];
  for (const [i, l] of (layers as unknown[]).entries()) {
    const d = l as Partial<OciDescriptor> | null;
    if (typeof d?.mediaType !== 'string' || typeof d.digest !== 'string' || typeof d.size !== 'number')
      return `signature manifest layer ${i} lacks mediaType/digest/size`;
    const annotations: Record<string, string> = {};
    if (typeof d.annotations === 'object' && d.annotations !== null) {
      for (const [k, v] of Object.entries(d.annotations)) if (typeof v === 'string') annotations[k] = v;
    }
    out.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, annotations });
  }
  return out;
}

/** Attestation `--type` shortcuts, as cosign names them. */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  cyclonedx: 'https://cyclonedx.org/bom',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
  custom: 'https://cosign.sigstore.dev/attestation/v1',
};

/** Resolves a `--type` value (shortcut or URI) to a predicate type URI; undefined when neither. */
export function resolvePredicateType(type: string): string | undefined {
  const known = PREDICATE_TYPES[type.toLowerCase()];
  if (known !== undefined) return known;
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(type) ? type : undefined;
}

/**
 * Predicate types that satisfy `--attestation-type TYPE` when verifying. `slsaprovenance` accepts both
 * SLSA v0.2 and v1 (Corral's `--provenance` writes v1).
 */
export function acceptedPredicateTypes(type: string): string[] | undefined {
  if (type.toLowerCase() === 'slsaprovenance')
    return [PREDICATE_TYPES.slsaprovenance02 ?? '', PREDICATE_TYPES.slsaprovenance1 ?? ''];
  const one = resolvePredicateType(type);
  return one === undefined ? undefined : [one];
}
