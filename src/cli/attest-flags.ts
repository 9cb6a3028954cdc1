/**
 * Key loading shared by `corral sign`, `attest` and `verify`. Their registry flags (`--insecure`,
 * `--ca-file`, `--username`, `--password`) are those of image reading, in image-options.ts.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { AppError } from '../errors.js';
import { decryptPrivateKey } from '../attest/keys.js';

export function readKeyFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('ATTEST_KEY_INVALID', `cannot read ${what} ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Loads and decrypts the private key at `path` with the password in `CORRAL_PASSWORD`. */
export function loadSigningKey(path: string, env: NodeJS.ProcessEnv = process.env): KeyObject {
  const pem = readKeyFile(path, 'private key');
  const password = env.CORRAL_PASSWORD ?? env.COSIGN_PASSWORD;
  if (password === undefined) {
    throw new AppError('ATTEST_KEY_PASSWORD', `${path}: no password to decrypt the private key`, {
      hint: 'set CORRAL_PASSWORD (COSIGN_PASSWORD is also read)',
    });
  }
  return decryptPrivateKey(pem, password, path);
}
