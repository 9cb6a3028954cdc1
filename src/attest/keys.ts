/**
 * ECDSA P-256 keys in cosign's file formats.
 *
 * - Public key: SPKI DER in a `PUBLIC KEY` PEM block.
 * - Private key: PKCS#8 DER, encrypted with a password and stored as a PEM block labelled
 *   `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign ≥ 2; `ENCRYPTED COSIGN PRIVATE KEY` in older files, also read).
 *   The block body is JSON (secure-systems-lab "encrypted" format):
 *   `{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":B64},
 *     "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}`
 *   The 32-byte secretbox key is scrypt(password, salt); the cipher is XSalsa20-Poly1305 (NaCl secretbox).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  type KeyObject,
} from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { AppError } from '../errors.js';

export const SIGSTORE_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_KEY_LABEL = 'ENCRYPTED COSIGN PRIVATE KEY';
export const PUBLIC_KEY_LABEL = 'PUBLIC KEY';

/** cosign's scrypt cost: N=2^15, r=8, p=1. */
export const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const KEY_BYTES = 32;
/** Upper bound on accepted scrypt cost from a key file (hostile files must not exhaust memory). */
const MAX_SCRYPT_MEM = 1024 * 1024 * 1024;

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** Splits the first PEM block of `text`. `what` names the file for messages. */
export function parsePem(text: string, what: string): PemBlock {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (m === null) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: no PEM block found`, {
      hint: 'pass a key written by "corral keygen" or "cosign generate-key-pair"',
    });
  }
  const body = (m[2] ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: PEM block "${m[1]}" has a body that is not base64`);
  }
  return { label: m[1] ?? '', der: Buffer.from(body, 'base64') };
}

export function formatPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export interface KeyPair {
  /** PEM text of the encrypted private key (`corral.key`). */
  privateKeyPem: string;
  /** PEM text of the SPKI public key (`corral.pub`). */
  publicKeyPem: string;
}

/** Generates an ECDSA P-256 key pair and encrypts the private key with `password`. */
export function generateKeyPair(password: string): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    privateKeyPem: encryptPrivateKey(pkcs8, password),
    publicKeyPem: formatPem(PUBLIC_KEY_LABEL, spki),
  };
}

function deriveKey(password: string, salt: Buffer, N: number, r: number, p: number): Buffer {
  return scryptSync(Buffer.from(password, 'utf8'), salt, KEY_BYTES, {
    N,
    r,
    p,
    maxmem: Math.max(64 * 1024 * 1024, 256 * N * r),
  });
}

/** Encrypts PKCS#8 DER into the `ENCRYPTED SIGSTORE PRIVATE KEY` PEM text. */
export function encryptPrivateKey(pkcs8: Uint8Array, password: string, label = SIGSTORE_KEY_LABEL): string {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const key = deriveKey(password, salt, SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p);
  const ciphertext = xsalsa20poly1305(key, nonce).encrypt(pkcs8);
  const doc = {
    kdf: { name: 'scrypt', params: { ...SCRYPT_PARAMS }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  };
  return formatPem(label, Buffer.from(JSON.stringify(doc)));
}

function field(obj: unknown, path: string[], what: string): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) {
      throw new AppError('ATTEST_KEY_INVALID', `${what}: encrypted key JSON lacks "${path.join('.')}"`);
    }
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function b64Field(obj: unknown, path: string[], what: string): Buffer {
  const v = field(obj, path, what);
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: "${path.join('.')}" is not a base64 string`);
  }
  return Buffer.from(v, 'base64');
}

function intField(obj: unknown, path: string[], what: string): number {
  const v = field(obj, path, what);
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: "${path.join('.')}" is not a positive integer`);
  }
  return v;
}

/**
 * Decrypts a cosign/corral encrypted private key. Throws `ATTEST_KEY_PASSWORD` when the password is
 * wrong, `ATTEST_KEY_INVALID` for anything malformed.
 */
export function decryptPrivateKey(pemText: string, password: string, what = 'private key'): KeyObject {
  const block = parsePem(pemText, what);
  if (block.label !== SIGSTORE_KEY_LABEL && block.label !== COSIGN_KEY_LABEL) {
    throw new AppError(
      'ATTEST_KEY_INVALID',
      `${what}: PEM label "${block.label}" is not an encrypted cosign private key`,
      { hint: `expected "${SIGSTORE_KEY_LABEL}" or "${COSIGN_KEY_LABEL}"; create one with "corral keygen"` },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(block.der.toString('utf8'));
  } catch {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: the PEM body is not the JSON of an encrypted key`);
  }
  const kdf = field(doc, ['kdf', 'name'], what);
  const cipher = field(doc, ['cipher', 'name'], what);
  if (kdf !== 'scrypt')
    throw new AppError('ATTEST_KEY_INVALID', `${what}: kdf "${String(kdf)}" is not supported (scrypt only)`);
  if (cipher !== 'nacl/secretbox')
    throw new AppError(
      'ATTEST_KEY_INVALID',
      `${what}: cipher "${String(cipher)}" is not supported (nacl/secretbox only)`,
    );
  const N = intField(doc, ['kdf', 'params', 'N'], what);
  const r = intField(doc, ['kdf', 'params', 'r'], what);
  const p = intField(doc, ['kdf', 'params', 'p'], what);
  if ((N & (N - 1)) !== 0 || 128 * N * r * p > MAX_SCRYPT_MEM) {
    throw new AppError(
      'ATTEST_KEY_INVALID',
      `${what}: scrypt parameters N=${N} r=${r} p=${p} are out of range`,
    );
  }
  const salt = b64Field(doc, ['kdf', 'salt'], what);
  const nonce = b64Field(doc, ['cipher', 'nonce'], what);
  const ciphertext = b64Field(doc, ['ciphertext'], what);
  if (nonce.length !== NONCE_BYTES)
    throw new AppError('ATTEST_KEY_INVALID', `${what}: cipher.nonce must be ${NONCE_BYTES} bytes`);
  const key = deriveKey(password, salt, N, r, p);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = xsalsa20poly1305(key, nonce).decrypt(ciphertext);
  } catch {
    throw new AppError('ATTEST_KEY_PASSWORD', `${what}: wrong password (decryption failed)`, {
      hint: 'set CORRAL_PASSWORD to the password the key was created with',
    });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: decrypted data is not a PKCS#8 private key`, {
      cause: err,
    });
  }
  assertP256(keyObject, what);
  return keyObject;
}

function assertP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new AppError(
      'ATTEST_KEY_INVALID',
      `${what}: key is ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve !== undefined ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}, not ECDSA P-256`,
    );
  }
}

/** Parses a `PUBLIC KEY` PEM (SPKI); only ECDSA P-256 is accepted. */
export function loadPublicKey(pemText: string, what = 'public key'): KeyObject {
  const block = parsePem(pemText, what);
  if (block.label !== PUBLIC_KEY_LABEL) {
    throw new AppError(
      'ATTEST_KEY_INVALID',
      `${what}: PEM label "${block.label}" is not "${PUBLIC_KEY_LABEL}"`,
      {
        hint: 'pass the public key (corral.pub / cosign.pub), not the private key',
      },
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: block.der, format: 'der', type: 'spki' });
  } catch (err) {
    throw new AppError('ATTEST_KEY_INVALID', `${what}: not a valid SPKI public key`, { cause: err });
  }
  assertP256(key, what);
  return key;
}

/** `sha256:<hex>` of the SPKI DER of a public key PEM: a stable id for a signer key. */
export function keyFingerprint(publicKeyPem: string): string {
  const der = loadPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

/** The public half of a private key, as SPKI PEM. */
export function publicKeyPemOf(privateKey: KeyObject): string {
  return formatPem(PUBLIC_KEY_LABEL, createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
}
