/**
 * `corral vex export --ignore-file FILE [-o FILE]`: the live entries of an ignore file as an OpenVEX
 * document (src/match/vex.ts), so an exception accepted in CI travels with the image to the cluster.
 */
import type { Command } from 'commander';
import { loadIgnoreFile } from '../../match/ignore.js';
import { ignoreFileToOpenVex } from '../../match/vex.js';
import { writeFileAtomically } from '../../report/output-spec.js';
import { createOutput } from '../ui/output.js';

interface VexExportFlags {
  ignoreFile: string;
  output?: string;
  author?: string;
}

async function runVexExport(flags: VexExportFlags): Promise<void> {
  const ignore = await loadIgnoreFile(flags.ignoreFile);
  const doc = ignoreFileToOpenVex(ignore, {
    ...(flags.author !== undefined && { author: flags.author }),
  });
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (flags.output === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeFileAtomically(flags.output, async (out) => {
    out.write(text);
  });
  createOutput().info(`wrote ${doc.statements.length} statement(s) to ${flags.output}`);
}

export function registerVexCommand(program: Command): void {
  const vex = program.command('vex').description('VEX documents (OpenVEX)');
  vex
    .command('export')
    .description('write the unexpired entries of an ignore file as an OpenVEX document')
    .requiredOption('--ignore-file <file>', 'the ignore file (.corralignore.yaml)')
    .option('-o, --output <file>', 'write to this file (default: stdout)')
    .option('--author <name>', 'OpenVEX author (default: "corral vex export")')
    .action(async (flags: VexExportFlags) => {
      await runVexExport(flags);
    });
}
