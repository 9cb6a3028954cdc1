/**
 * Validation of report output against the formats' own schemas and tools:
 * - SARIF 2.1.0: the SARIF JSON schema shipped with `@microsoft/sarif-multitool` (through ajv), then
 *   `sarif-multitool validate` itself with its SARIF and GitHub rule sets (`--rule-kind Sarif;Gh`).
 *   The multitool exits 0 even when it reports errors, and does not check enums, so both are used and
 *   every `error` or `warning` line it prints counts.
 * - GitLab: src/report/gitlab/container-scanning.schema.json, the required subset of GitLab's documented
 *   container-scanning format, written for Corral (no upstream schema is vendored).
 * - Corral JSON: src/report/json/scan-result.schema.json.
 * CycloneDX goes through `validateCycloneDx` (sbom-validate.ts), JUnit through `readJunit` (junit-reader.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const run = promisify(execFile);

const GITLAB_SCHEMA = join(ROOT, 'src', 'report', 'gitlab', 'container-scanning.schema.json');
export const SCAN_RESULT_SCHEMA = join(ROOT, 'src', 'report', 'json', 'scan-result.schema.json');
/** A multitool run takes ~10 s (a .NET start-up). */
export const SARIF_MULTITOOL_TIMEOUT_MS = 120_000;

const compiled = new Map<string, ValidateFunction>();

async function compile(path: string, draft2020: boolean): Promise<ValidateFunction> {
  const hit = compiled.get(path);
  if (hit) return hit;
  const ajv = draft2020
    ? new Ajv2020({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const v = ajv.compile(JSON.parse(await readFile(path, 'utf8')) as object);
  compiled.set(path, v);
  return v;
}

function schemaErrors(v: ValidateFunction, doc: unknown): string[] {
  return v(doc)
    ? []
    : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function sarifMultitoolDir(): string {
  return dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json'));
}

/** Errors of a Corral scan-result JSON text against its published schema. */
export async function validateScanResultJson(text: string): Promise<string[]> {
  return schemaErrors(await compile(SCAN_RESULT_SCHEMA, false), JSON.parse(text));
}

/** Errors of a GitLab container-scanning report against the vendored 15.2.4 schema. */
export async function validateGitlab(text: string): Promise<string[]> {
  return schemaErrors(await compile(GITLAB_SCHEMA, false), JSON.parse(text));
}

/** Runs `sarif-multitool validate`; returns each error/warning line it printed. */
async function multitool(file: string): Promise<string[]> {
  const bin = require.resolve('@microsoft/sarif-multitool/bin.js');
  // bin.js hands the arguments to a shell: quote the ';'-separated list
  const args = [bin, 'validate', file, '--rule-kind', '"Sarif;Gh"'];
  const { stdout, stderr } = await run(process.execPath, args, {
    timeout: SARIF_MULTITOOL_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = `${stdout}\n${stderr}`.split('\n');
  if (!lines.some((l) => l.includes('Analysis completed successfully')))
    return [`sarif-multitool did not complete:\n${stdout}\n${stderr}`];
  return lines.filter((l) => /: (error|warning) [A-Z]+\d+: /.test(l)).map((l) => l.replace(file, 'FILE'));
}

/** Errors and warnings of a SARIF text: the 2.1.0 JSON schema, then the SARIF multitool. */
export async function validateSarif(text: string): Promise<string[]> {
  const schema = await compile(join(sarifMultitoolDir(), 'sarif-2.1.0.json'), true);
  const errors = schemaErrors(schema, JSON.parse(text));
  if (errors.length > 0) return errors;
  const dir = await mkdtemp(join(tmpdir(), 'corral-sarif-'));
  try {
    const file = join(dir, 'report.sarif');
    await writeFile(file, text);
    return await multitool(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
