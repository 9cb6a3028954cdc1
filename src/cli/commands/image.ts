/**
 * `corral image inspect REF` and `corral image ls-files REF [--layer N]`.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { squashImage } from '../../image/index.js';
import { inspectImage, listLayerFiles, type ImageSummary } from '../../image/inspect.js';
import { addImageOptions, type ImageFlags } from '../image-options.js';
import { createOutput, paint } from '../ui/output.js';
import { human } from '../ui/progress.js';
import { withImage } from '../with-image.js';

interface InspectFlags extends ImageFlags {
  json?: boolean;
}
interface LsFlags extends ImageFlags {
  json?: boolean;
  layer?: string;
}

export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('read container images from any source');
  addImageOptions(
    image
      .command('inspect')
      .description('show digest, platform, config, layers and file counts of an image')
      .argument(
        '<ref>',
        'image reference (docker-archive:, oci-layout:, oci-archive:, docker:, registry:, dir:, or a bare path/name)',
      )
      .option('--json', 'print machine-readable JSON'),
  ).action(async (ref: string, flags: InspectFlags) => {
    await withImage(ref, flags, async (img, opts, progress) => {
      const summary = await inspectImage(img, {
        limits: opts.limits,
        onLayerBytes: (_l, n) => progress.add(n),
      });
      progress.stop();
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary),
      );
      warnAll(summary);
    });
  });
  addImageOptions(
    image
      .command('ls-files')
      .description('list the squashed file view (or one layer with --layer)')
      .argument('<ref>', 'image reference')
      .option('--layer <n>', 'list the entries of layer N as stored (whiteouts included)')
      .option('--json', 'print machine-readable JSON'),
  ).action(async (ref: string, flags: LsFlags) => {
    await withImage(ref, flags, async (img, opts, progress) => {
      if (flags.layer !== undefined) {
        const n = Number(flags.layer);
        if (!Number.isInteger(n) || n < 0 || n >= img.layers.length) {
          throw new AppError(
            'CLI_USAGE',
            `--layer ${flags.layer} is out of range: the image has ${img.layers.length} layers (0-${img.layers.length - 1})`,
          );
        }
        const entries = await listLayerFiles(img, n, { limits: opts.limits });
        progress.stop();
        printLines(
          flags.json === true,
          entries,
          (e) =>
            `${e.marker ?? e.type}\t${e.size}\t${e.path}${e.linkTarget !== undefined ? ` -> ${e.linkTarget}` : ''}`,
        );
        return;
      }
      const { view } = await squashImage(img, {
        limits: opts.limits,
        onLayerBytes: (_l, b) => progress.add(b),
      });
      progress.stop();
      try {
        const list = view.list().map((f) => ({
          path: f.path,
          type: f.type,
          mode: f.mode,
          size: f.size,
          layer: f.layerIndex,
          ...(f.linkTarget !== undefined && { linkTarget: f.linkTarget }),
        }));
        printLines(
          flags.json === true,
          list,
          (f) =>
            `${f.type}\t${f.size}\t${f.layer}\t${f.path}${f.linkTarget !== undefined ? ` -> ${f.linkTarget}` : ''}`,
        );
        for (const w of view.warnings) createOutput().warn(`${w.code}: ${w.message}`);
      } finally {
        await view.close();
      }
    });
  });
}

function printLines<T>(json: boolean, items: T[], line: (t: T) => string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
    return;
  }
  const chunks: string[] = [];
  for (const item of items) chunks.push(line(item));
  process.stdout.write(chunks.length > 0 ? `${chunks.join('\n')}\n` : '');
}

function warnAll(s: ImageSummary): void {
  const out = createOutput();
  for (const w of s.warnings) out.warn(`${w.code}: ${w.message}`);
}

function formatSummary(s: ImageSummary): string {
  const color = process.stdout.isTTY === true && createOutput(process.stdout).color;
  const h = (t: string): string => paint(color, 'bold', t);
  const lines: string[] = [];
  const kv = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') lines.push(`${h(k.padEnd(14))}${v}`);
  };
  kv('Reference', s.ref);
  kv('Digest', s.digest);
  kv('Index', s.indexDigest);
  kv('Config', s.configDigest);
  kv('Platform', s.platform);
  kv('Tags', s.repoTags.join(', '));
  kv('Created', s.created);
  kv('User', s.config.user || '(root)');
  kv('Entrypoint', s.config.entrypoint ? JSON.stringify(s.config.entrypoint) : undefined);
  kv('Cmd', s.config.cmd ? JSON.stringify(s.config.cmd) : undefined);
  kv('WorkingDir', s.config.workingDir);
  kv('Ports', s.config.exposedPorts.join(', '));
  kv('Env', s.config.env.join('\n' + ' '.repeat(14)));
  kv(
    'Labels',
    Object.entries(s.config.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n' + ' '.repeat(14)),
  );
  kv(
    'Files',
    `${s.files.total} (${s.files.regular} files, ${s.files.dirs} dirs, ${s.files.symlinks} symlinks, ${s.files.other} other; ${human(s.files.bytes)})`,
  );
  lines.push('', h(`Layers (${s.layers.length})`));
  for (const l of s.layers) {
    const short = l.digest.replace(/^sha256:/, '').slice(0, 12);
    const by = (l.createdBy ?? '').replace(/\s+/g, ' ').slice(0, 80);
    lines.push(
      `  ${String(l.index).padStart(2)}  ${short}  ${human(l.size).padStart(10)}  ${String(l.entries).padStart(6)} entries  ${by}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
