/**
 * `corral push FILE [--server URL] [--token T] [--tag REF]… [--json]`: sends a Corral scan result
 * (`corral scan … -o json`) or an SBOM (CycloneDX, SPDX, Corral JSON) to the inventory server, with
 * who built it read from the CI variables (GitHub Actions, GitLab CI, Jenkins; src/attest/provenance.ts).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError, describeError, isAppError } from '../../errors.js';
import type { PushInput } from '../../inventory/types.js';
import { detectAndDecode } from '../../sbom/formats.js';
import type { Sbom } from '../../sbom/model.js';
import { buildPushInput } from '../../server/client.js';
import { addServerOptions, serverClient, type ServerFlags } from '../server-options.js';
import { createOutput } from '../ui/output.js';

interface PushFlags extends ServerFlags {
  tag?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Reads a scan result or an SBOM file into the push body. */
export async function readPushFile(file: string, tags: string[] = []): Promise<PushInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new AppError('SCAN_INPUT_NOT_FOUND', `cannot read ${file}: ${describeError(err)}`, {
      hint: 'give a file written by "corral scan REF -o json=FILE" or an SBOM (CycloneDX/SPDX JSON)',
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    doc = undefined;
  }
  const d = doc as { sbom?: unknown; findings?: unknown; db?: unknown } | undefined;
  if (
    d !== undefined &&
    d !== null &&
    typeof d.sbom === 'object' &&
    d.sbom !== null &&
    Array.isArray(d.findings)
  ) {
    return buildPushInput({
      sbom: d.sbom as Sbom,
      findings: d.findings as PushInput['findings'],
      ...(typeof d.db === 'object' && d.db !== null && { db: d.db as PushInput['db'] }),
      repoTags: tags,
    });
  }
  try {
    return buildPushInput({ sbom: detectAndDecode(bytes).sbom, repoTags: tags });
  } catch (err) {
    if (isAppError(err, 'SBOM_UNRECOGNISED'))
      throw new AppError('PUSH_INPUT_INVALID', `${file} is neither a Corral scan result nor an SBOM`, {
        hint: 'push the output of "corral scan REF -o json=FILE" or "corral sbom REF -o cyclonedx-json=FILE"',
        cause: err,
      });
    throw err;
  }
}

export function registerPushCommand(program: Command): void {
  addServerOptions(
    program
      .command('push')
      .description('send a scan result or SBOM to the inventory server (CI provenance from env vars)')
      .argument('<file>', 'corral scan JSON result (-o json) or an SBOM (CycloneDX/SPDX/Corral JSON)')
      .option('--tag <ref>', 'also remember this repo tag for the image (repeatable)', collect)
      .option('--json', 'print the server answer as JSON'),
  ).action(async (file: string, flags: PushFlags) => {
    const input = await readPushFile(file, flags.tag ?? []);
    const client = serverClient(flags);
    try {
      const outcome = await client.push(input);
      if (flags.json === true) process.stdout.write(`${JSON.stringify(outcome)}\n`);
      else
        createOutput().info(
          `pushed ${outcome.digest} to ${client.url} (${outcome.created ? 'new image' : 'already stored; tags and provenance merged'})`,
        );
    } finally {
      await client.close();
    }
  });
}

/** `corral scan REF --push URL`: sends the scan result (SBOM + findings + db) after the reports. */
export async function pushScanResult(
  result: { sbom: Sbom; findings: PushInput['findings']; db?: PushInput['db'] },
  server: string,
  token: string | undefined,
  policy?: PushInput['policy'],
): Promise<void> {
  const input = buildPushInput({
    sbom: result.sbom,
    findings: result.findings,
    ...(result.db !== undefined && { db: result.db }),
    ...(policy !== undefined && { policy }),
  });
  const client = serverClient({ server, ...(token !== undefined && { token }) });
  try {
    const outcome = await client.push(input);
    createOutput().info(
      `pushed ${outcome.digest} to ${client.url}${outcome.created ? '' : ' (already stored)'}`,
    );
  } finally {
    await client.close();
  }
}
