/**
 * Flags shared by the commands that talk to an inventory server (`push`, `where`, `ls`, `summary`):
 * `--server URL` (or CORRAL_SERVER), `--token T` (or CORRAL_TOKEN), `--ca FILE` (or CORRAL_SERVER_CA),
 * plus a plain-text table printer for their output.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError, describeError } from '../errors.js';
import { clientFromEnv, type CorralClient } from '../server/client.js';

export interface ServerFlags {
  server?: string;
  token?: string;
  ca?: string;
}

export function addServerOptions(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'Corral server URL (default: $CORRAL_SERVER)')
    .option('--token <token>', 'API token (default: $CORRAL_TOKEN)')
    .option('--ca <file>', 'PEM CA to trust for an https server (default: $CORRAL_SERVER_CA)');
}

export function serverClient(flags: ServerFlags): CorralClient {
  return clientFromEnv(flags, process.env, (path) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new AppError('CLI_USAGE', `cannot read CA file ${path}: ${describeError(err)}`, {
        hint: 'give a PEM file with --ca (or CORRAL_SERVER_CA)',
      });
    }
  });
}

/** Left-aligned columns separated by two spaces; header first. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export function shortDigest(digest: string): string {
  const [alg, hex] = digest.split(':');
  return hex === undefined ? digest : `${alg}:${hex.slice(0, 12)}`;
}
