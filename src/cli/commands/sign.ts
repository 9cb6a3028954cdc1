/**
 * `corral sign REF --key corral.key [-a key=value]`: a cosign simple-signing signature of the image
 * digest, stored under `sha256-<hex>.sig` in the image's repository.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { signImage } from '../../attest/sign.js';
import { loadSigningKey } from '../attest-flags.js';
import { addRegistryFlags, registryOptionsFromFlags, type RegistryFlags } from '../image-options.js';
import { createOutput } from '../ui/output.js';

interface SignFlags extends RegistryFlags {
  key: string;
  annotation?: string[];
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseAnnotations(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list ?? []) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new AppError('CLI_USAGE', `--annotation "${a}" is not key=value`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

export function registerSignCommand(program: Command): void {
  addRegistryFlags(
    program
      .command('sign')
      .description('sign a registry image (cosign-compatible signature under the sha256-<digest>.sig tag)')
      .argument('<ref>', 'registry image reference (registry/repo:tag or @sha256:…)')
      .requiredOption(
        '--key <file>',
        'encrypted private key (corral.key / cosign.key); password in $CORRAL_PASSWORD',
      )
      .option(
        '-a, --annotation <key=value>',
        'extra claim in the payload "optional" section (repeatable)',
        collect,
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (ref: string, flags: SignFlags) => {
    const privateKey = loadSigningKey(flags.key);
    const result = await signImage(ref, {
      privateKey,
      registry: registryOptionsFromFlags(flags),
      annotations: parseAnnotations(flags.annotation),
    });
    if (flags.json === true) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else
      createOutput().info(`signed ${result.image}\nstored as ${result.tag} (${result.count} signature(s))`);
  });
}
