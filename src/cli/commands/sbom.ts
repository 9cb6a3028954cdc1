/**
 * `corral sbom REF [-o FORMAT[=FILE]]... [--file PATH] [--layers]`: catalogues an image and writes its SBOM
 * in one or several formats at once (one to stdout, the others to files).
 */
import { createWriteStream } from 'node:fs';
import { access, constants, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { catalogImage } from '../../catalog/run.js';
import { AppError, describeError } from '../../errors.js';
import { findSbomFormat, SBOM_FORMATS, type EncodeOptions, type SbomFormat } from '../../sbom/formats.js';
import type { Sbom } from '../../sbom/model.js';
import { addImageOptions, type ImageFlags } from '../image-options.js';
import { createOutput, useColor } from '../ui/output.js';
import { withImage } from '../with-image.js';

interface SbomFlags extends ImageFlags {
  output?: string[];
  file?: string;
  layers?: boolean;
}

export interface OutputPlan {
  format: SbomFormat;
  /** Absent: stdout. */
  file?: string;
}

const DEFAULT_FORMAT = 'table';
const MAX_WARNINGS = 20;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Turns `-o` values (`FORMAT` or `FORMAT=FILE`) and `--file` into outputs: `--file` names the one output
 * without `=FILE`; at most one output may go to stdout. Throws before any image is read.
 */
export function planOutputs(specs: readonly string[], file: string | undefined): OutputPlan[] {
  const plans = (specs.length > 0 ? specs : [DEFAULT_FORMAT]).map((spec): OutputPlan => {
    const eq = spec.indexOf('=');
    const format = findSbomFormat(eq < 0 ? spec : spec.slice(0, eq));
    const target = eq < 0 ? undefined : spec.slice(eq + 1);
    if (target === '') throw new AppError('CLI_USAGE', `-o ${spec}: the file name after "=" is empty`);
    return { format, ...(target !== undefined && { file: target }) };
  });
  const toStdout = plans.filter((p) => p.file === undefined);
  if (file !== undefined) {
    if (toStdout.length !== 1) {
      throw new AppError(
        'CLI_USAGE',
        `--file needs exactly one -o without "=FILE" (${toStdout.length} given)`,
        {
          hint: "name each output's file with -o FORMAT=FILE instead",
        },
      );
    }
    toStdout[0]!.file = file;
  } else if (toStdout.length > 1) {
    throw new AppError('CLI_USAGE', `only one output can go to stdout, ${toStdout.length} would`, {
      hint: 'write the others to files: -o cyclonedx-json=sbom.cdx.json',
    });
  }
  const files = plans.flatMap((p) => (p.file === undefined ? [] : [resolve(p.file)]));
  if (new Set(files).size !== files.length) throw new AppError('CLI_USAGE', 'two outputs name the same file');
  return plans;
}

/** Fails fast, before the image is read, when an output directory cannot be written. */
async function checkWritable(plans: readonly OutputPlan[]): Promise<void> {
  for (const p of plans) {
    if (p.file === undefined) continue;
    try {
      await access(dirname(resolve(p.file)), constants.W_OK);
    } catch (err) {
      throw new AppError('SBOM_WRITE_FAILED', `cannot write ${p.file}: ${describeError(err)}`, {
        hint: 'check that its directory exists and is writable',
        cause: err,
      });
    }
  }
}

/** Writes to a temporary file next to `file`, then renames it: a failed run never leaves half an SBOM. */
async function writeFileAtomically(file: string, write: (out: Writable) => Promise<void>): Promise<void> {
  const tmp = `${resolve(file)}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  try {
    await write(out);
    out.end();
    await finished(out);
    await rename(tmp, file);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new AppError('SBOM_WRITE_FAILED', `cannot write ${file}: ${describeError(err)}`, { cause: err });
  }
}

async function writeOutput(plan: OutputPlan, sbom: Sbom, opts: EncodeOptions): Promise<void> {
  if (plan.file === undefined) {
    await plan.format.encode(sbom, process.stdout, {
      ...opts,
      color: opts.color === true && useColor(process.stdout),
    });
    return;
  }
  await writeFileAtomically(plan.file, (out) => plan.format.encode(sbom, out, { ...opts, color: false }));
  createOutput().info(`wrote ${plan.format.id} to ${plan.file}`);
}

function warnUnknowns(sbom: Sbom): void {
  const out = createOutput();
  for (const u of sbom.unknowns.slice(0, MAX_WARNINGS)) {
    out.warn(
      `${u.code}: ${u.path}${u.layerIndex !== undefined ? ` (layer ${u.layerIndex})` : ''}: ${u.message}`,
    );
  }
  const more = sbom.unknowns.length - MAX_WARNINGS;
  if (more > 0) out.warn(`${more} more (all are listed in the SBOM: -o json, "unknowns")`);
}

export function registerSbomCommand(program: Command): void {
  const formats = SBOM_FORMATS.map((f) => f.id).join(', ');
  addImageOptions(
    program
      .command('sbom')
      .description('catalogue every package of an image and write its SBOM')
      .argument(
        '<ref>',
        'image reference (docker-archive:, oci-layout:, oci-archive:, docker:, registry:, dir:, or a path)',
      )
      .option(
        '-o, --output <format[=file]>',
        `output format (${formats}); FORMAT=FILE writes a file; repeatable`,
        collect,
      )
      .option('--file <path>', 'write the output given without =FILE to this file instead of stdout')
      .option(
        '--layers',
        'table: group packages by the layer that introduced them, with its created_by line',
      ),
  ).action(async (ref: string, flags: SbomFlags) => {
    const plans = planOutputs(flags.output ?? [], flags.file);
    await checkWritable(plans);
    await withImage(ref, flags, async (img, opts, progress) => {
      const sbom = await catalogImage(img, { limits: opts.limits, onLayerBytes: (_l, n) => progress.add(n) });
      progress.stop();
      for (const plan of plans)
        await writeOutput(plan, sbom, { groupByLayer: flags.layers === true, color: true });
      warnUnknowns(sbom);
    });
  });
}
