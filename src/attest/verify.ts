/**
 * Verification of cosign signatures (`.sig`) and DSSE attestations (`.att`) against public keys.
 *
 * A signature is valid when its ECDSA-SHA256 signature over the payload verifies with one of the keys
 * AND the payload names the image's actual digest. An attestation is valid when its DSSE signature over
 * the PAE verifies with one of the keys, it is an in-toto statement, and one subject carries the image's
 * digest. Every other layer yields a human-readable failure.
 */
import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { describeError } from '../errors.js';
import type { RegistryOptions } from '../image/types.js';
import {
  cosignTag,
  DSSE_MEDIA_TYPE,
  parseSimpleSigning,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type OciDescriptor,
} from './cosign/layout.js';
import { openTarget, readArtifactLayers, readLayer, type Target } from './cosign/store.js';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, STATEMENT_V01, STATEMENT_V1, verifyEnvelope } from './dsse.js';
import { keyFingerprint, loadPublicKey } from './keys.js';

export interface TrustEvidence {
  /** Valid signatures only. */
  signatures: { keyFingerprint: string; dockerReference: string }[];
  /** Valid attestations only. */
  attestations: { keyFingerprint: string; predicateType: string; statement: unknown }[];
  /** Human-readable reasons for every signature/attestation that did not verify (and for none found). */
  failures: string[];
}

export interface CheckTrustOptions {
  /** PEM text of the trusted public keys. */
  publicKeys: string[];
  /** Registry credentials and TLS, as for image reading. */
  registry?: RegistryOptions;
}

interface TrustedKey {
  key: KeyObject;
  fingerprint: string;
}

export interface VerifyReport extends TrustEvidence {
  /** `registry/repository` of the image. */
  repository: string;
  /** The digest the reference resolved to, which signatures must name. */
  digest: string;
}

function trustedKeys(pems: readonly string[]): TrustedKey[] {
  return pems.map((pem, i) => ({
    key: loadPublicKey(pem, `public key #${i + 1}`),
    fingerprint: keyFingerprint(pem),
  }));
}

function short(fp: string): string {
  return fp.slice(0, 'sha256:'.length + 12);
}

function keyList(keys: readonly TrustedKey[]): string {
  return keys.map((k) => short(k.fingerprint)).join(', ');
}

/** Checks the signatures and attestations of `ref` and reports which are valid and why others are not. */
export async function verifyImage(ref: string, opts: CheckTrustOptions): Promise<VerifyReport> {
  const keys = trustedKeys(opts.publicKeys);
  const target = await openTarget(ref, opts.registry);
  try {
    const evidence: VerifyReport = {
      repository: target.repository,
      digest: target.digest,
      signatures: [],
      attestations: [],
      failures: [],
    };
    await checkSignatures(target, keys, evidence);
    await checkAttestations(target, keys, evidence);
    return evidence;
  } finally {
    await target.client.close();
  }
}

/**
 * The library entry point of the policy engine. Problems with individual signatures or attestations
 * (and a `.sig`/`.att` image that cannot be read) become `failures`; it throws an AppError only when a
 * public key is not an ECDSA P-256 PEM (`ATTEST_KEY_INVALID`) or the image itself cannot be resolved
 * (`IMAGE_NOT_FOUND`, `REGISTRY_*`, `IMAGE_REF_INVALID`).
 */
export async function checkTrust(ref: string, opts: CheckTrustOptions): Promise<TrustEvidence> {
  const { signatures, attestations, failures } = await verifyImage(ref, opts);
  return { signatures, attestations, failures };
}

async function layersOrFailure(
  target: Target,
  kind: 'sig' | 'att',
  failures: string[],
): Promise<OciDescriptor[]> {
  try {
    return await readArtifactLayers(target, kind);
  } catch (err) {
    failures.push(
      `cannot read ${target.repository}:${cosignTag(target.digest, kind)}: ${describeError(err)}`,
    );
    return [];
  }
}

async function checkSignatures(target: Target, keys: TrustedKey[], out: VerifyReport): Promise<void> {
  const tag = cosignTag(target.digest, 'sig');
  const layers = await layersOrFailure(target, 'sig', out.failures);
  if (layers.length === 0) {
    out.failures.push(`no signatures found for ${target.repository}@${target.digest} (tag ${tag})`);
    return;
  }
  for (const [i, layer] of layers.entries()) {
    const where = `signature ${i + 1} (${tag}, layer ${layer.digest.slice(0, 19)})`;
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
      out.failures.push(`${where}: media type "${layer.mediaType}" is not ${SIMPLE_SIGNING_MEDIA_TYPE}`);
      continue;
    }
    const sigText = layer.annotations?.[SIGNATURE_ANNOTATION];
    if (sigText === undefined || sigText === '') {
      out.failures.push(`${where}: no "${SIGNATURE_ANNOTATION}" annotation`);
      continue;
    }
    let payload: Buffer;
    try {
      payload = await readLayer(target, layer);
    } catch (err) {
      out.failures.push(`${where}: cannot read payload: ${describeError(err)}`);
      continue;
    }
    const sig = Buffer.from(sigText, 'base64');
    const signer = keys.find((k) => {
      try {
        return cryptoVerify('sha256', payload, k.key, sig);
      } catch {
        return false;
      }
    });
    if (signer === undefined) {
      out.failures.push(`${where}: signature does not verify with key ${keyList(keys)}`);
      continue;
    }
    const parsed = parseSimpleSigning(payload);
    if (typeof parsed === 'string') {
      out.failures.push(`${where}: ${parsed}`);
      continue;
    }
    const named = parsed.critical.image['docker-manifest-digest'];
    if (named !== target.digest) {
      out.failures.push(`${where}: payload names digest ${named} but image is ${target.digest}`);
      continue;
    }
    out.signatures.push({
      keyFingerprint: signer.fingerprint,
      dockerReference: parsed.critical.identity['docker-reference'],
    });
  }
}

async function checkAttestations(target: Target, keys: TrustedKey[], out: VerifyReport): Promise<void> {
  const tag = cosignTag(target.digest, 'att');
  const layers = await layersOrFailure(target, 'att', out.failures);
  if (layers.length === 0) {
    out.failures.push(`no attestations found for ${target.repository}@${target.digest} (tag ${tag})`);
    return;
  }
  const [algorithm, hex] = target.digest.split(':') as [string, string];
  for (const [i, layer] of layers.entries()) {
    const where = `attestation ${i + 1} (${tag}, layer ${layer.digest.slice(0, 19)})`;
    if (layer.mediaType !== DSSE_MEDIA_TYPE) {
      out.failures.push(`${where}: media type "${layer.mediaType}" is not ${DSSE_MEDIA_TYPE}`);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readLayer(target, layer);
    } catch (err) {
      out.failures.push(`${where}: cannot read envelope: ${describeError(err)}`);
      continue;
    }
    const env = parseEnvelope(bytes);
    if (typeof env === 'string') {
      out.failures.push(`${where}: ${env}`);
      continue;
    }
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
      out.failures.push(`${where}: payloadType "${env.payloadType}" is not ${IN_TOTO_PAYLOAD_TYPE}`);
      continue;
    }
    const signer = keys.find((k) => verifyEnvelope(env, k.key));
    if (signer === undefined) {
      out.failures.push(`${where}: DSSE signature does not verify with key ${keyList(keys)}`);
      continue;
    }
    let statement: unknown;
    try {
      statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
    } catch {
      out.failures.push(`${where}: payload is not JSON`);
      continue;
    }
    const s = statement as { _type?: unknown; subject?: unknown; predicateType?: unknown } | null;
    if (s === null || typeof s !== 'object' || (s._type !== STATEMENT_V1 && s._type !== STATEMENT_V01)) {
      out.failures.push(`${where}: payload is not an in-toto statement (_type ${JSON.stringify(s?._type)})`);
      continue;
    }
    if (typeof s.predicateType !== 'string') {
      out.failures.push(`${where}: statement lacks a string predicateType`);
      continue;
    }
    const subjects = Array.isArray(s.subject) ? (s.subject as { digest?: Record<string, unknown> }[]) : [];
    if (!subjects.some((sub) => sub?.digest?.[algorithm] === hex)) {
      const named = subjects
        .map((sub) => Object.entries(sub?.digest ?? {}).map(([a, h]) => `${a}:${String(h)}`))
        .flat()
        .join(', ');
      out.failures.push(
        `${where}: statement subject names digest ${named === '' ? '(none)' : named} but image is ${target.digest}`,
      );
      continue;
    }
    out.attestations.push({ keyFingerprint: signer.fingerprint, predicateType: s.predicateType, statement });
  }
}
