/**
 * `corral scan REF [-o FORMAT[=FILE]]... [--fail-on LEVEL] [--db PATH] [--max-db-age DURATION]
 * [--only-fixed] [--ignore-unfixed] [--ignore-file FILE] [--vex FILE]... [--json]`:
 * catalogues an image (or reads `sbom:FILE`, CycloneDX/SPDX/Corral JSON), matches it against the local
 * vulndb, takes out what the ignore file and VEX documents suppress, and writes the reports. Exit codes: 0 pass, 1 a finding at or above `--fail-on`, others from
 * {@link AppError} (README "Exit codes").
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { catalogImage } from '../../catalog/run.js';
import { AppError, describeError, isAppError } from '../../errors.js';
import { assertDbFresh, parseDuration } from '../../match/db-age.js';
import { applyIgnoreFile, loadIgnoreFile, type IgnoreFile } from '../../match/ignore.js';
import { matchSbom } from '../../match/run.js';
import { applyVex, loadVex, type VexStatement } from '../../match/vex.js';
import { severityRank, type ScanResult } from '../../match/model.js';
import { REPORT_WRITERS } from '../../report/registry.js';
import { checkOutputsWritable, parseOutputSpecs, writeReports } from '../../report/output-spec.js';
import { detectAndDecode } from '../../sbom/formats.js';
import type { Sbom } from '../../sbom/model.js';
import { defaultDbPath } from '../../vulndb/db.js';
import type { SeverityLevel } from '../../vulndb/model.js';
import { openVulnStore, type VulnStore } from '../../vulndb/store.js';
import { addImageOptions, type ImageFlags } from '../image-options.js';
import { pushScanResult } from './push.js';
import { createOutput } from '../ui/output.js';
import { createPolicyGate, type PolicyGate } from '../policy-gate.js';
import { formatPolicyResult } from '../../policy/report.js';
import { withImage } from '../with-image.js';

interface ScanFlags extends ImageFlags {
  output?: string[];
  failOn?: string;
  db?: string;
  onlyFixed?: boolean;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
  vex?: string[];
  maxDbAge?: string;
  json?: boolean;
  push?: string;
  pushToken?: string;
  policy?: string;
  env?: string;
}

export const SBOM_PREFIX = 'sbom:';
const FAIL_ON_LEVELS: readonly SeverityLevel[] = ['critical', 'high', 'medium', 'low'];
/** Exit status when the gate fails (README "Exit codes"). */
export const EXIT_GATE_FAILED = 1;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parseFailOn(raw: string | undefined): SeverityLevel | undefined {
  if (raw === undefined) return undefined;
  const level = raw.trim().toLowerCase() as SeverityLevel;
  if (FAIL_ON_LEVELS.includes(level)) return level;
  throw new AppError('CLI_USAGE', `invalid --fail-on "${raw}"`, {
    hint: `use one of: ${FAIL_ON_LEVELS.join(', ')}`,
  });
}

/** True when a finding is at or above `failOn`. */
export function gateFails(result: ScanResult, failOn: SeverityLevel | undefined): boolean {
  if (failOn === undefined) return false;
  const threshold = severityRank(failOn);
  return result.findings.some((f) => severityRank(f.severity) >= threshold);
}

/** Opens the vulndb once for the whole scan, with a scan-specific hint when it is missing. */
export function openScanStore(path: string | undefined): VulnStore {
  const dbPath = path ?? defaultDbPath();
  try {
    return openVulnStore(dbPath);
  } catch (err) {
    if (!isAppError(err, 'VULNDB_NOT_FOUND')) throw err;
    throw new AppError('VULNDB_NOT_FOUND', `no vulnerability DB at ${dbPath}`, {
      hint: 'run "corral db update" (online) or "corral db import PATH --source osv|debian|alpine|nvd" (offline) first, or pass --db PATH',
      cause: err,
    });
  }
}

async function readSbomFile(file: string): Promise<Sbom> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new AppError('SCAN_INPUT_NOT_FOUND', `cannot read SBOM ${file}: ${describeError(err)}`, {
      hint: 'give the path of a CycloneDX or SPDX JSON file: corral scan sbom:bom.cdx.json',
      cause: err,
    });
  }
  return detectAndDecode(bytes).sbom;
}

async function scanRef(
  ref: string,
  flags: ScanFlags,
  store: VulnStore,
  gate?: PolicyGate,
): Promise<ScanResult> {
  const opts = { onlyFixed: flags.onlyFixed === true, ignoreUnfixed: flags.ignoreUnfixed === true };
  if (ref.startsWith(SBOM_PREFIX))
    return matchSbom(await readSbomFile(ref.slice(SBOM_PREFIX.length)), store, opts);
  let result: ScanResult | undefined;
  await withImage(ref, flags, async (img, resolved, progress) => {
    const sbom = await catalogImage(img, {
      limits: resolved.limits,
      onLayerBytes: (_l, n) => progress.add(n),
    });
    await gate?.onImage(img, resolved, (n) => progress.add(n));
    progress.stop();
    result = await matchSbom(sbom, store, opts);
  });
  if (result === undefined) throw new AppError('INTERNAL', `scanning ${ref} produced no result`);
  return result;
}

function warnNotComparable(result: ScanResult): void {
  if (result.notComparable.length === 0) return;
  const names = result.notComparable.slice(0, 5).map((n) => `${n.package.name}@${n.package.version}`);
  createOutput().warn(
    `${result.notComparable.length} package(s) have versions that cannot be compared and were not checked: ${names.join(', ')}${result.notComparable.length > 5 ? ', …' : ''} (listed in -o json, "notComparable")`,
  );
}

/** Applies the ignore file, then the VEX statements; their warnings go to stderr (and stay in the result). */
function suppress(
  raw: ScanResult,
  ignore: IgnoreFile | undefined,
  vex: readonly VexStatement[] | undefined,
): ScanResult {
  let result = raw;
  if (ignore !== undefined) result = applyIgnoreFile(result, ignore);
  if (vex !== undefined) result = applyVex(result, vex);
  return result;
}

async function runScan(ref: string, flags: ScanFlags): Promise<void> {
  const specs = parseOutputSpecs(
    flags.json === true ? ['json', ...(flags.output ?? [])] : (flags.output ?? []),
  );
  const failOn = parseFailOn(flags.failOn);
  const maxDbAge = flags.maxDbAge === undefined ? undefined : parseDuration(flags.maxDbAge);
  await checkOutputsWritable(specs);
  // read before the scan: a typo in an exception file fails fast
  const ignore = flags.ignoreFile === undefined ? undefined : await loadIgnoreFile(flags.ignoreFile);
  const vex =
    flags.vex === undefined ? undefined : (await Promise.all(flags.vex.map((f) => loadVex(f)))).flat();
  const gate =
    flags.policy === undefined ? undefined : await createPolicyGate(flags.policy, flags.env, flags);
  const store = openScanStore(flags.db);
  try {
    if (maxDbAge !== undefined) assertDbFresh(store.summary(), maxDbAge, new Date());
    const result = suppress(await scanRef(ref, flags, store, gate), ignore, vex);
    const out = createOutput();
    for (const w of result.warnings ?? []) out.warn(w);
    await writeReports(result, specs, {
      ...(failOn !== undefined && { failOn }),
      onFileWritten: (s) => out.info(`wrote ${s.writer.id} to ${s.file}`),
    });
    warnNotComparable(result);
    // the same evaluation as "corral policy check", on the (suppressed) findings of this scan
    const verdict = gate === undefined ? undefined : await gate.evaluate({ scan: result });
    if (verdict !== undefined) process.stderr.write(formatPolicyResult(verdict, 'table'));
    // pushed before the gates decide, so failing images are in the inventory too (with their verdict)
    if (flags.push !== undefined)
      await pushScanResult(
        result,
        flags.push,
        flags.pushToken,
        verdict === undefined
          ? undefined
          : {
              env: verdict.env,
              pass: verdict.pass,
              rules: verdict.rules.map((r) => ({
                id: r.id,
                pass: r.pass,
                action: r.action,
                message: r.message,
              })),
            },
      );
    if (gateFails(result, failOn)) {
      out.error(`failed: findings at or above ${failOn ?? ''} (--fail-on)`);
      process.exitCode = EXIT_GATE_FAILED;
    }
    if (verdict !== undefined && !verdict.pass) process.exitCode = EXIT_GATE_FAILED;
  } finally {
    store.close();
  }
}

export function registerScanCommand(program: Command): void {
  const formats = REPORT_WRITERS.map((w) => w.id).join(', ');
  addImageOptions(
    program
      .command('scan')
      .description('find the vulnerabilities of an image or SBOM; exit 1 when --fail-on is reached')
      .argument(
        '<ref>',
        'image reference (see "Image references"), or sbom:FILE for a CycloneDX/SPDX JSON SBOM',
      )
      .option(
        '-o, --output <format[=file]>',
        `report format (${formats}); FORMAT=FILE writes a file; repeatable`,
        collect,
      )
      .option(
        '--fail-on <level>',
        `exit 1 when a finding is at or above this severity (${FAIL_ON_LEVELS.join('|')})`,
      )
      .option(
        '--db <path>',
        'vulnerability database (default: $CORRAL_HOME/db/vuln.db or ~/.cache/corral/db/vuln.db)',
      )
      .option(
        '--max-db-age <duration>',
        'fail (exit 6, SCAN_DB_TOO_OLD) when the DB is older than this: 72h, 7d…',
      )
      .option('--only-fixed', 'report only vulnerabilities that have a fix')
      .option('--ignore-unfixed', 'drop findings with no fix yet (not-fixed, wont-fix)')
      .option(
        '--ignore-file <file>',
        'accepted risks (YAML: ignore: [{id, package?, reason, expires?}]); expired entries stop suppressing',
      )
      .option(
        '--vex <file>',
        'OpenVEX or CycloneDX VEX document; not_affected statements suppress findings (repeatable)',
        collect,
      )
      .option('--json', 'shorthand for -o json (to stdout)')
      .option('--policy <file>', 'also evaluate this policy (with --env); exit 1 when a deny rule fails')
      .option('--env <name>', 'environment of --policy to apply (dev, staging, prod…)')
      .option('--push <url>', 'send the result to this Corral server (token: --push-token or $CORRAL_TOKEN)')
      .option('--push-token <token>', 'API token (role ci) for --push'),
  ).action(async (ref: string, flags: ScanFlags) => {
    await runScan(ref, flags);
  });
}
