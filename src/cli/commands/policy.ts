/**
 * `corral policy check REF --policy FILE --env ENV [-o table|json|sarif|junit] [--db PATH]`: evaluates
 * a policy environment against an image and explains every rule; exit 1 when a deny rule fails.
 * `corral policy validate FILE`: exit 0, or exit 2 with `file:line:col: field: problem` lines.
 * `corral policy test DIR`: runs policy test cases (input fixture + expected decision); exit 1 on a
 * mismatch, 2 on an invalid case.
 */
import type { Command } from 'commander';
import { catalogImage } from '../../catalog/run.js';
import { AppError } from '../../errors.js';
import { matchSbom } from '../../match/run.js';
import { loadPolicy } from '../../policy/load.js';
import { POLICY_FORMATS, formatPolicyResult, type PolicyFormat } from '../../policy/report.js';
import { runPolicyTests } from '../../policy/test-runner.js';
import type { Sbom } from '../../sbom/model.js';
import { addImageOptions, type ImageFlags } from '../image-options.js';
import { createPolicyGate } from '../policy-gate.js';
import { createOutput } from '../ui/output.js';
import { withImage } from '../with-image.js';
import { EXIT_GATE_FAILED, openScanStore } from './scan.js';

interface CheckFlags extends ImageFlags {
  policy: string;
  env: string;
  output?: string;
  db?: string;
}

/** Exit status of an invalid policy test case (usage error, like an invalid policy). */
const EXIT_INVALID = 2;

function parseFormat(raw: string | undefined): PolicyFormat {
  const f = (raw ?? 'table').trim().toLowerCase();
  if ((POLICY_FORMATS as readonly string[]).includes(f)) return f as PolicyFormat;
  throw new AppError('CLI_USAGE', `invalid -o "${raw ?? ''}"`, {
    hint: `use one of: ${POLICY_FORMATS.join(', ')}`,
  });
}

async function runCheck(ref: string, flags: CheckFlags): Promise<void> {
  const format = parseFormat(flags.output);
  const gate = await createPolicyGate(flags.policy, flags.env, flags);
  // open the vulndb first, so a missing DB fails before a long image read
  const store = gate.needs.has('findings') ? openScanStore(flags.db) : undefined;
  try {
    let sbom: Sbom | undefined;
    await withImage(ref, flags, async (img, resolved, progress) => {
      await gate.onImage(img, resolved, (n) => progress.add(n));
      if (gate.needs.has('packages') || gate.needs.has('findings'))
        sbom = await catalogImage(img, { limits: resolved.limits, onLayerBytes: (_l, n) => progress.add(n) });
      progress.stop();
    });
    const scan = store !== undefined && sbom !== undefined ? await matchSbom(sbom, store) : undefined;
    const result = await gate.evaluate({ ...(sbom && { sbom }), ...(scan && { scan }) });
    process.stdout.write(formatPolicyResult(result, format));
    if (!result.pass) {
      if (format !== 'table') createOutput().error(`policy ${flags.env}: failed (a deny rule did not pass)`);
      process.exitCode = EXIT_GATE_FAILED;
    }
  } finally {
    store?.close();
  }
}

async function runValidate(file: string): Promise<void> {
  const policy = await loadPolicy(file);
  const envs = [...policy.environments.entries()].map(([n, rules]) => `${n} (${rules.length} rules)`);
  process.stdout.write(`${file}: valid; environments: ${envs.join(', ')}\n`);
}

async function runTest(dir: string): Promise<void> {
  const summary = await runPolicyTests(dir);
  for (const c of summary.cases) {
    const mark = c.status === 'pass' ? 'ok  ' : c.status === 'fail' ? 'FAIL' : 'ERR ';
    process.stdout.write(`${mark} ${c.name}${c.name !== c.file ? ` (${c.file})` : ''}\n`);
    for (const p of c.problems) process.stdout.write(`       ${p}\n`);
  }
  process.stdout.write(
    `\n${summary.cases.length} case(s): ${summary.passed} passed, ${summary.failed} failed, ${summary.errors} invalid\n`,
  );
  if (summary.errors > 0) process.exitCode = EXIT_INVALID;
  else if (summary.failed > 0) process.exitCode = EXIT_GATE_FAILED;
}

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description('policies: check an image, validate a policy, run policy tests');
  addImageOptions(
    policy
      .command('check')
      .description('evaluate a policy environment against an image; exit 1 when a deny rule fails')
      .argument('<ref>', 'image reference (see "Image references")')
      .requiredOption('--policy <file>', 'policy file (YAML, apiVersion corral.dev/v1)')
      .requiredOption('--env <name>', 'environment of the policy to apply (dev, staging, prod…)')
      .option('-o, --output <format>', `output format (${POLICY_FORMATS.join('|')})`, 'table')
      .option('--db <path>', 'vulnerability database (when a rule needs findings)'),
  ).action(async (ref: string, flags: CheckFlags) => {
    await runCheck(ref, flags);
  });
  policy
    .command('validate')
    .description('check a policy file; exit 2 with file:line:column messages when it is invalid')
    .argument('<file>', 'policy file')
    .action(async (file: string) => {
      await runValidate(file);
    });
  policy
    .command('test')
    .description('run policy test cases (YAML: policy, env, input, expect) from a directory')
    .argument('<dir>', 'directory of test case files')
    .action(async (dir: string) => {
      await runTest(dir);
    });
}
