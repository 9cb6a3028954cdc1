/**
 * `corral attest REF --key corral.key (--predicate FILE --type TYPE | --provenance)`: an in-toto
 * statement about the image in a DSSE envelope, stored under `sha256-<hex>.att` as cosign does.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { resolvePredicateType } from '../../attest/cosign/layout.js';
import { provenanceFromEnv, SLSA_PROVENANCE_V1 } from '../../attest/provenance.js';
import { attestImage } from '../../attest/sign.js';
import { loadSigningKey } from '../attest-flags.js';
import { addRegistryFlags, registryOptionsFromFlags, type RegistryFlags } from '../image-options.js';
import { createOutput } from '../ui/output.js';

interface AttestFlags extends RegistryFlags {
  key: string;
  predicate?: string;
  type?: string;
  provenance?: boolean;
  json?: boolean;
}

function readPredicate(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError(
      'ATTEST_PREDICATE_INVALID',
      `cannot read predicate ${path}: ${(err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError(
      'ATTEST_PREDICATE_INVALID',
      `predicate ${path} is not JSON: ${(err as Error).message}`,
      {
        hint: 'the predicate must be a JSON document (SLSA provenance, SPDX/CycloneDX JSON, vulnerability report…)',
      },
    );
  }
}

export function registerAttestCommand(program: Command): void {
  addRegistryFlags(
    program
      .command('attest')
      .description('attach a signed in-toto attestation (DSSE) to a registry image under sha256-<digest>.att')
      .argument('<ref>', 'registry image reference')
      .requiredOption('--key <file>', 'encrypted private key; password in $CORRAL_PASSWORD')
      .option('--predicate <file>', 'predicate JSON file')
      .option(
        '--type <type>',
        'predicate type: slsaprovenance|slsaprovenance1|spdx|spdxjson|cyclonedx|vuln|openvex|link|custom or a URI',
        'custom',
      )
      .option(
        '--provenance',
        'generate a SLSA v1 provenance predicate from the CI environment (GitHub Actions, GitLab CI, Jenkins)',
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (ref: string, flags: AttestFlags) => {
    let predicate: unknown;
    let predicateType: string;
    if (flags.provenance === true) {
      if (flags.predicate !== undefined)
        throw new AppError('CLI_USAGE', '--provenance and --predicate cannot be combined');
      predicate = provenanceFromEnv(process.env);
      predicateType = SLSA_PROVENANCE_V1;
    } else {
      if (flags.predicate === undefined)
        throw new AppError('CLI_USAGE', 'one of --predicate FILE or --provenance is required');
      const resolved = resolvePredicateType(flags.type ?? 'custom');
      if (resolved === undefined)
        throw new AppError('ATTEST_PREDICATE_INVALID', `unknown --type "${flags.type}"`, {
          hint: 'use slsaprovenance, slsaprovenance1, spdx, spdxjson, cyclonedx, vuln, openvex, link, custom or a predicate type URI',
        });
      predicateType = resolved;
      predicate = readPredicate(flags.predicate);
    }
    const privateKey = loadSigningKey(flags.key);
    const result = await attestImage(ref, {
      privateKey,
      predicateType,
      predicate,
      registry: registryOptionsFromFlags(flags),
    });
    if (flags.json === true)
      process.stdout.write(`${JSON.stringify({ ...result, predicateType }, null, 2)}\n`);
    else
      createOutput().info(
        `attested ${result.image} (${predicateType})\nstored as ${result.tag} (${result.count} attestation(s))`,
      );
  });
}
