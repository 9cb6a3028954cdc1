/**
 * `corral keygen [--output-dir DIR] [--force]`: an ECDSA P-256 key pair in cosign's formats,
 * `corral.key` (encrypted with $CORRAL_PASSWORD) and `corral.pub`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { generateKeyPair, keyFingerprint } from '../../attest/keys.js';
import { createOutput } from '../ui/output.js';

interface KeygenFlags {
  outputDir?: string;
  force?: boolean;
  json?: boolean;
}

export function registerKeygenCommand(program: Command): void {
  program
    .command('keygen')
    .description('create an ECDSA P-256 key pair (corral.key encrypted with $CORRAL_PASSWORD, corral.pub)')
    .option('--output-dir <dir>', 'directory to write the keys to', '.')
    .option('--force', 'overwrite existing corral.key / corral.pub')
    .option('--json', 'print the file paths and key fingerprint as JSON')
    .action((flags: KeygenFlags) => {
      const dir = flags.outputDir ?? '.';
      const keyPath = join(dir, 'corral.key');
      const pubPath = join(dir, 'corral.pub');
      if (flags.force !== true) {
        for (const p of [keyPath, pubPath]) {
          if (existsSync(p))
            throw new AppError('ATTEST_KEY_EXISTS', `${p} already exists`, {
              hint: 'pass --force to overwrite it, or --output-dir to write elsewhere',
            });
        }
      }
      const password = process.env.CORRAL_PASSWORD;
      if (password === undefined) {
        throw new AppError('ATTEST_KEY_PASSWORD', 'CORRAL_PASSWORD is not set', {
          hint: 'set CORRAL_PASSWORD to the password that encrypts corral.key (an empty value means no password)',
        });
      }
      const pair = generateKeyPair(password);
      mkdirSync(dir, { recursive: true });
      writeFileSync(keyPath, pair.privateKeyPem, { mode: 0o600 });
      writeFileSync(pubPath, pair.publicKeyPem, { mode: 0o644 });
      const fingerprint = keyFingerprint(pair.publicKeyPem);
      if (flags.json === true) {
        process.stdout.write(`${JSON.stringify({ privateKey: keyPath, publicKey: pubPath, fingerprint })}\n`);
      } else {
        createOutput().info(
          `private key written to ${keyPath}\npublic key written to ${pubPath}\nfingerprint ${fingerprint}`,
        );
      }
    });
}
