/**
 * `corral sign` and `corral attest`: sign an image digest (simple signing) or an in-toto statement about
 * it (DSSE), and store the result next to the image the way cosign does.
 */
import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { RegistryOptions } from '../image/types.js';
import {
  type ArtifactKind,
  DSSE_MEDIA_TYPE,
  PREDICATE_TYPE_ANNOTATION,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  simpleSigningPayload,
} from './cosign/layout.js';
import { appendLayer, openTarget, type Target } from './cosign/store.js';
import { IN_TOTO_PAYLOAD_TYPE, makeStatement, signEnvelope } from './dsse.js';

export interface SignResult {
  /** The image reference as resolved, `registry/repo@sha256:…`. */
  image: string;
  digest: string;
  /** `sha256-<hex>.sig` or `.att`. */
  tag: string;
  manifestDigest: string;
  /** Signatures (or attestations) now stored under the tag. */
  count: number;
}

export interface SignOptions {
  privateKey: KeyObject;
  registry?: RegistryOptions;
  /** `optional` claims of the simple-signing payload (cosign `-a key=value`). */
  annotations?: Record<string, string>;
}

export async function signImage(ref: string, opts: SignOptions): Promise<SignResult> {
  return appendToImage(ref, opts.registry, 'sig', SIMPLE_SIGNING_MEDIA_TYPE, (target) => {
    const payload = simpleSigningPayload(target.repository, target.digest, opts.annotations ?? null);
    const signature = cryptoSign('sha256', payload, opts.privateKey).toString('base64');
    return { payload, annotations: { [SIGNATURE_ANNOTATION]: signature } };
  });
}

export interface AttestOptions {
  privateKey: KeyObject;
  predicateType: string;
  predicate: unknown;
  registry?: RegistryOptions;
}

export async function attestImage(ref: string, opts: AttestOptions): Promise<SignResult> {
  return appendToImage(ref, opts.registry, 'att', DSSE_MEDIA_TYPE, (target) => {
    const [algorithm, hex] = target.digest.split(':') as [string, string];
    const statement = makeStatement(
      { name: target.repository, digest: { [algorithm]: hex } },
      opts.predicateType,
      opts.predicate,
    );
    const envelope = signEnvelope(
      Buffer.from(JSON.stringify(statement), 'utf8'),
      IN_TOTO_PAYLOAD_TYPE,
      opts.privateKey,
    );
    return {
      payload: Buffer.from(JSON.stringify(envelope), 'utf8'),
      annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: opts.predicateType },
    };
  });
}

/** A layer for the cosign tag: its bytes and the annotations of its descriptor. */
interface ArtifactLayer {
  payload: Uint8Array;
  annotations: Record<string, string>;
}

/**
 * Opens the image `ref` names, appends the layer `make` builds for its digest to the image's `.sig` or
 * `.att` tag, and reports what is stored there now. The registry client is closed in every case.
 */
async function appendToImage(
  ref: string,
  registry: RegistryOptions | undefined,
  kind: ArtifactKind,
  mediaType: string,
  make: (target: Target) => ArtifactLayer,
): Promise<SignResult> {
  const target = await openTarget(ref, registry);
  try {
    const { payload, annotations } = make(target);
    const stored = await appendLayer(target, kind, mediaType, payload, annotations);
    return {
      image: `${target.repository}@${target.digest}`,
      digest: target.digest,
      tag: stored.tag,
      manifestDigest: stored.manifestDigest,
      count: stored.layers,
    };
  } finally {
    await target.client.close();
  }
}
