/**
 * DSSE (Dead Simple Signing Envelope) v1 and in-toto Statements.
 *
 * ref. https://github.com/secure-systems-lab/dsse/blob/master/protocol.md (PAE, envelope)
 * ref. https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** Older statement type cosign still writes; accepted when verifying. */
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

/**
 * Pre-Authentication Encoding: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, where LEN is the
 * byte length in ASCII decimal without leading zeros.
 */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'ascii'),
    type,
    Buffer.from(` ${payload.byteLength} `, 'ascii'),
    Buffer.from(payload),
  ]);
}

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** Base64 (standard) of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

/** Signs `payload` with ECDSA-SHA256 over the PAE. */
export function signEnvelope(
  payload: Uint8Array,
  payloadType: string,
  key: KeyObject,
  keyid = '',
): DsseEnvelope {
  const sig = cryptoSign('sha256', pae(payloadType, payload), key);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid, sig: sig.toString('base64') }],
  };
}

/** Checks the envelope's shape; returns a reason when it is not a DSSE envelope. */
export function parseEnvelope(bytes: Uint8Array): DsseEnvelope | string {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'envelope is not JSON';
  }
  if (typeof doc !== 'object' || doc === null) return 'envelope is not a JSON object';
  const e = doc as Record<string, unknown>;
  if (typeof e.payloadType !== 'string') return 'envelope lacks a string "payloadType"';
  if (typeof e.payload !== 'string') return 'envelope lacks a string "payload"';
  if (!Array.isArray(e.signatures)) return 'envelope lacks a "signatures" array';
  const signatures: DsseSignature[] = [];
  for (const s of e.signatures as unknown[]) {
    if (typeof s !== 'object' || s === null || typeof (s as DsseSignature).sig !== 'string')
      return 'envelope has a signature without a string "sig"';
    const keyid = (s as DsseSignature).keyid;
    signatures.push({ keyid: typeof keyid === 'string' ? keyid : '', sig: (s as DsseSignature).sig });
  }
  return { payloadType: e.payloadType, payload: e.payload, signatures };
}

/** True when any signature of the envelope verifies with `key`. */
export function verifyEnvelope(env: DsseEnvelope, key: KeyObject): boolean {
  const message = pae(env.payloadType, Buffer.from(env.payload, 'base64'));
  return env.signatures.some((s) => {
    try {
      return cryptoVerify('sha256', message, key, Buffer.from(s.sig, 'base64'));
    } catch {
      return false;
    }
  });
}

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: string;
  subject: Subject[];
  predicateType: string;
  predicate: unknown;
}

export function makeStatement(subject: Subject, predicateType: string, predicate: unknown): Statement {
  return { _type: STATEMENT_V1, subject: [subject], predicateType, predicate };
}
