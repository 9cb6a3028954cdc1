/**
 * `corral verify REF --key PUB [--key PUB2…] [--attestation-type TYPE] [--json]`: exit 0 when at least
 * one signature (and, with --attestation-type, one attestation of that type) verifies with a listed key.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { acceptedPredicateTypes } from '../../attest/cosign/layout.js';
import { verifyImage } from '../../attest/verify.js';
import { readKeyFile } from '../attest-flags.js';
import { addRegistryFlags, registryOptionsFromFlags, type RegistryFlags } from '../image-options.js';
import { createOutput, paint } from '../ui/output.js';

interface VerifyFlags extends RegistryFlags {
  key: string[];
  attestationType?: string;
  json?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerVerifyCommand(program: Command): void {
  addRegistryFlags(
    program
      .command('verify')
      .description('verify the signatures (and attestations) of a registry image with public keys')
      .argument('<ref>', 'registry image reference')
      .requiredOption('--key <pub>', 'trusted public key PEM (repeatable)', collect)
      .option(
        '--attestation-type <type>',
        'also require a valid attestation of this predicate type (shortcut or URI)',
      )
      .option('--json', 'print the verification result as JSON'),
  ).action(async (ref: string, flags: VerifyFlags) => {
    let wanted: string[] | undefined;
    if (flags.attestationType !== undefined) {
      wanted = acceptedPredicateTypes(flags.attestationType);
      if (wanted === undefined)
        throw new AppError('CLI_USAGE', `unknown --attestation-type "${flags.attestationType}"`);
    }
    const publicKeys = flags.key.map((k) => readKeyFile(k, 'public key'));
    const report = await verifyImage(ref, { publicKeys, registry: registryOptionsFromFlags(flags) });
    const matching =
      wanted === undefined
        ? report.attestations
        : report.attestations.filter((a) => wanted.includes(a.predicateType));
    const reasons: string[] = [];
    if (report.signatures.length === 0) reasons.push('no valid signature');
    if (wanted !== undefined && matching.length === 0)
      reasons.push(`no valid attestation of type ${wanted.join(' or ')}`);
    // Failures about attestations are noise unless attestations were asked for.
    const failures = report.failures.filter(
      (f) => wanted !== undefined || !/^(attestation \d|no attestations found|cannot read .*\.att)/.test(f),
    );
    const verified = reasons.length === 0;
    if (flags.json === true) {
      process.stdout.write(
        `${JSON.stringify({ verified, image: `${report.repository}@${report.digest}`, ...report, failures, reasons }, null, 2)}\n`,
      );
      if (!verified) process.exitCode = 1;
      return;
    }
    const out = createOutput();
    for (const s of report.signatures)
      process.stdout.write(
        `${paint(out.color, 'green', '✓')} signature by ${s.keyFingerprint} (${s.dockerReference})\n`,
      );
    for (const a of matching)
      process.stdout.write(
        `${paint(out.color, 'green', '✓')} attestation ${a.predicateType} by ${a.keyFingerprint}\n`,
      );
    for (const f of failures) {
      if (verified) out.warn(f);
      else out.error(f);
    }
    if (!verified) {
      throw new AppError(
        'ATTEST_VERIFY_FAILED',
        `${report.repository}@${report.digest}: verification failed: ${reasons.join('; ')}`,
        { hint: failures.length > 0 ? `first failure: ${failures[0]}` : undefined },
      );
    }
    process.stdout.write(`verified ${report.repository}@${report.digest}\n`);
  });
}
