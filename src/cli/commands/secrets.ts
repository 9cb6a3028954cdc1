/**
 * `corral secrets REF [--json] [--allow-path GLOB]... [--disable-rule ID]... [--allow-fingerprint SHA256]...
 * [--max-scan-size SIZE]`:
 * scans every layer of an image for secrets (private keys, cloud and service tokens, high-entropy
 * passwords). Prints rule, path, layer, line and a redacted value, never the secret. Exit 1 when any
 * secret is found, 0 when clean.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { parseSize } from '../../image/limits.js';
import {
  DEFAULT_MAX_FILE_BYTES,
  RULES,
  scanImageSecrets,
  type SecretFinding,
} from '../../policy/secrets/index.js';
import { addImageOptions, type ImageFlags } from '../image-options.js';
import { createOutput, paint } from '../ui/output.js';
import { withImage } from '../with-image.js';

interface SecretsFlags extends ImageFlags {
  json?: boolean;
  allowPath?: string[];
  disableRule?: string[];
  allowFingerprint?: string[];
  maxScanSize?: string;
}

/** Exit status when secrets are found. */
export const EXIT_SECRETS_FOUND = 1;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerSecretsCommand(program: Command): void {
  addImageOptions(
    program
      .command('secrets')
      .description('find secrets (private keys, tokens, passwords) in every layer of an image')
      .argument('<ref>', 'image reference')
      .option('--json', 'print machine-readable JSON')
      .option('--allow-path <glob>', 'do not scan files matching this glob (repeatable)', collect)
      .option(
        '--disable-rule <id>',
        `skip a rule (repeatable): ${RULES.map((r) => r.id).join(', ')}`,
        collect,
      )
      .option(
        '--allow-fingerprint <sha256>',
        'accept a known secret by the fingerprint of an earlier finding (repeatable)',
        collect,
      )
      .option('--max-scan-size <size>', 'skip files larger than this (default 10MiB)'),
  ).action(async (ref: string, flags: SecretsFlags) => {
    const maxFileBytes = scanSize(flags.maxScanSize);
    await withImage(ref, flags, async (img, opts, progress) => {
      let skipped = 0;
      const findings = await scanImageSecrets(img, {
        limits: opts.limits,
        maxFileBytes,
        ...(flags.allowPath && { allowPaths: flags.allowPath }),
        ...(flags.disableRule && { disabledRules: flags.disableRule }),
        ...(flags.allowFingerprint && { allowFingerprints: flags.allowFingerprint }),
        onLayerBytes: (_l, n) => progress.add(n),
        onSkip: () => skipped++,
      });
      progress.stop();
      process.stdout.write(flags.json === true ? `${JSON.stringify(findings, null, 2)}\n` : table(findings));
      const out = createOutput();
      if (skipped > 0 && flags.json !== true) out.info(`${skipped} binary or oversized files not scanned`);
      if (findings.length > 0) {
        out.error(`${findings.length} secret${findings.length === 1 ? '' : 's'} found`);
        process.exitCode = EXIT_SECRETS_FOUND;
      }
    });
  });
}

function scanSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_FILE_BYTES;
  const n = parseSize(text);
  if (n === undefined || n <= 0) {
    throw new AppError('CLI_USAGE', `invalid size for --max-scan-size: "${text}"`, {
      hint: 'use e.g. 10MiB, 512KiB or a byte count',
    });
  }
  return n;
}

function table(findings: readonly SecretFinding[]): string {
  if (findings.length === 0) return 'no secrets found\n';
  const color = process.stdout.isTTY === true && createOutput(process.stdout).color;
  const head = ['RULE', 'PATH', 'LAYER', 'LINE', 'REDACTED'];
  const rows = findings.map((f) => [
    f.ruleId,
    f.path,
    String(f.layerIndex),
    String(f.line ?? ''),
    f.redacted,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [paint(color, 'bold', line(head)), ...rows.map(line)].join('\n') + '\n';
}
