import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { test } from 'node:test';
import { isAppError } from '../errors.js';
import {
  COSIGN_KEY_LABEL,
  decryptPrivateKey,
  encryptPrivateKey,
  formatPem,
  generateKeyPair,
  keyFingerprint,
  loadPublicKey,
  parsePem,
  publicKeyPemOf,
  SIGSTORE_KEY_LABEL,
} from './keys.js';

interface EncryptedKeyDoc {
  kdf: { name: string; params: unknown; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

const pair = generateKeyPair('s3cret');

test('keygen writes an encrypted SIGSTORE key whose JSON has cosign fields, and a SPKI public key', () => {
  const block = parsePem(pair.privateKeyPem, 'key');
  assert.equal(block.label, SIGSTORE_KEY_LABEL);
  const doc = JSON.parse(block.der.toString('utf8')) as EncryptedKeyDoc;
  assert.deepEqual(Object.keys(doc), ['kdf', 'cipher', 'ciphertext']);
  assert.equal(doc.kdf.name, 'scrypt');
  assert.deepEqual(doc.kdf.params, { N: 32768, r: 8, p: 1 });
  assert.equal(Buffer.from(doc.kdf.salt, 'base64').length, 32);
  assert.equal(doc.cipher.name, 'nacl/secretbox');
  assert.equal(Buffer.from(doc.cipher.nonce, 'base64').length, 24);
  assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(loadPublicKey(pair.publicKeyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('encrypted key round-trips: decrypted key signs, public key verifies', () => {
  const key = decryptPrivateKey(pair.privateKeyPem, 's3cret');
  const data = Buffer.from('hello');
  const sig = sign('sha256', data, key);
  assert.ok(verify('sha256', data, loadPublicKey(pair.publicKeyPem), sig));
  assert.equal(publicKeyPemOf(key), pair.publicKeyPem);
});

test('wrong password is ATTEST_KEY_PASSWORD', () => {
  assert.throws(
    () => decryptPrivateKey(pair.privateKeyPem, 'wrong', 'corral.key'),
    (e: unknown) => isAppError(e, 'ATTEST_KEY_PASSWORD') && /corral\.key: wrong password/.test(e.message),
  );
});

test('the older ENCRYPTED COSIGN PRIVATE KEY label is read', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = encryptPrivateKey(privateKey.export({ format: 'der', type: 'pkcs8' }), 'pw', COSIGN_KEY_LABEL);
  assert.match(pem, /BEGIN ENCRYPTED COSIGN PRIVATE KEY/);
  const back = decryptPrivateKey(pem, 'pw');
  assert.deepEqual(
    back.export({ format: 'der', type: 'pkcs8' }),
    createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })).export({
      format: 'der',
      type: 'pkcs8',
    }),
  );
});

test('unknown PEM label, missing PEM, broken JSON and non-P-256 keys are ATTEST_KEY_INVALID', () => {
  const cases: [string, RegExp][] = [
    [
      formatPem('EC PRIVATE KEY', Buffer.from('x')),
      /PEM label "EC PRIVATE KEY" is not an encrypted cosign private key/,
    ],
    ['not a pem', /no PEM block found/],
    [formatPem(SIGSTORE_KEY_LABEL, Buffer.from('{nope')), /not the JSON of an encrypted key/],
    [
      formatPem(SIGSTORE_KEY_LABEL, Buffer.from('{"kdf":{"name":"pbkdf2"},"cipher":{"name":"x"}}')),
      /kdf "pbkdf2"/,
    ],
    [
      formatPem(
        SIGSTORE_KEY_LABEL,
        Buffer.from(
          '{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":""},"cipher":{"name":"nacl/secretbox","nonce":""},"ciphertext":""}',
        ),
      ),
      /scrypt parameters .* out of range/,
    ],
  ];
  for (const [pem, re] of cases) {
    assert.throws(
      () => decryptPrivateKey(pem, 'pw', 'k'),
      (e: unknown) => isAppError(e, 'ATTEST_KEY_INVALID') && re.test(e.message),
      String(re),
    );
  }
  const rsa = String(
    generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'pem',
      type: 'spki',
    }),
  );
  assert.throws(
    () => loadPublicKey(rsa, 'rsa.pub'),
    (e: unknown) => isAppError(e, 'ATTEST_KEY_INVALID') && /not ECDSA P-256/.test(e.message),
  );
  assert.throws(
    () => loadPublicKey(pair.privateKeyPem),
    (e: unknown) => isAppError(e, 'ATTEST_KEY_INVALID'),
  );
});

test('keyFingerprint is sha256 of the SPKI DER', async () => {
  const { createHash } = await import('node:crypto');
  const der = parsePem(pair.publicKeyPem, 'pub').der;
  assert.equal(keyFingerprint(pair.publicKeyPem), `sha256:${createHash('sha256').update(der).digest('hex')}`);
  assert.notEqual(keyFingerprint(pair.publicKeyPem), keyFingerprint(generateKeyPair('x').publicKeyPem));
});

test('reads a cosign-format key built independently from the format description (N=65536, empty password)', async () => {
  // Built here with node:crypto + @noble/ciphers directly (not through keys.ts): scrypt(password, salt)
  // → 32-byte key; NaCl secretbox (XSalsa20-Poly1305) over the PKCS#8 DER; JSON in a PEM block with
  // cosign's older label, as `cosign generate-key-pair` wrote before the SIGSTORE label.
  const { randomBytes, scryptSync } = await import('node:crypto');
  const { xsalsa20poly1305 } = await import('@noble/ciphers/salsa.js');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const box = scryptSync('', salt, 32, { N: 65536, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
  const doc = {
    kdf: { name: 'scrypt', params: { N: 65536, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(xsalsa20poly1305(box, nonce).encrypt(pkcs8)).toString('base64'),
  };
  const b64 = Buffer.from(JSON.stringify(doc)).toString('base64');
  const pem = `-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n${b64.replace(/(.{64})/g, '$1\n')}\n-----END ENCRYPTED COSIGN PRIVATE KEY-----\n`;
  const key = decryptPrivateKey(pem, '', 'cosign.key');
  assert.equal(publicKeyPemOf(key), publicKey.export({ type: 'spki', format: 'pem' }).toString());
  assert.throws(
    () => decryptPrivateKey(pem, 'x'),
    (e: unknown) => isAppError(e, 'ATTEST_KEY_PASSWORD'),
  );
});
