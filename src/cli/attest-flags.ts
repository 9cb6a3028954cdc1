/**
 * Flags shared by `corral sign`, `attest` and `verify`: the registry flags of image reading
 * (`--insecure`, `--ca-file`, `--username`, `--password`) and key loading.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { Option, type Command } from 'commander';
import { AppError } from '../errors.js';
import { decryptPrivateKey } from '../attest/keys.js';
import type { RegistryOptions } from '../image/types.js';

export interface RegistryFlags {
  insecure?: boolean;
  caFile?: string[];
  username?: string;
  password?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--insecure', 'registry: use plain HTTP and skip TLS verification')
    .option('--ca-file <pem>', 'registry: extra CA certificate to trust (repeatable)', collect)
    .addOption(new Option('--username <user>', 'registry user name').env('CORRAL_REGISTRY_USERNAME'))
    .addOption(
      new Option('--password <password>', 'registry password or token').env('CORRAL_REGISTRY_PASSWORD'),
    );
}

export function registryOptionsFromFlags(f: RegistryFlags): RegistryOptions {
  const credentials =
    f.username !== undefined || f.password !== undefined
      ? {
          ...(f.username !== undefined && { username: f.username }),
          ...(f.password !== undefined && { password: f.password }),
        }
      : undefined;
  return {
    ...(f.insecure === true && { insecure: true }),
    ...(f.caFile !== undefined && { caFiles: f.caFile }),
    ...(credentials && { credentials }),
  };
}

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
