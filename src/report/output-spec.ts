/**
 * `-o FORMAT[=FILE]` (repeatable) for `corral scan`: which reports to write and where. Without `=FILE` a
 * report goes to stdout, and at most one may. Files are written atomically (a temporary file next to
 * the target, renamed when complete), so CI never picks up half a report.
 *
 * @example
 * const specs = parseOutputSpecs(['table', 'sarif=scan.sarif', 'junit=reports/scan.xml']);
 * await checkOutputsWritable(specs);            // before the scan: fail fast on a bad path
 * await writeReports(result, specs, { failOn: 'high' });
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, constants, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { useColor } from '../cli/ui/output.js';
import { AppError, describeError } from '../errors.js';
import type { ScanResult } from '../match/model.js';
import type { SeverityLevel } from '../vulndb/model.js';
import { reportFor } from './registry.js';
import type { ReportWriter } from './report.js';

export const DEFAULT_REPORT = 'table';

export interface OutputSpec {
  writer: ReportWriter;
  /** Absent: stdout. */
  file?: string;
}

/**
 * Parses `-o` values; no value means the table on stdout. Throws `CLI_USAGE` for an unknown format, an
 * empty file name, two reports on stdout or two reports in the same file.
 */
export function parseOutputSpecs(values: readonly string[]): OutputSpec[] {
  const specs = (values.length > 0 ? values : [DEFAULT_REPORT]).map((value): OutputSpec => {
    const eq = value.indexOf('=');
    const writer = reportFor(eq < 0 ? value : value.slice(0, eq));
    const file = eq < 0 ? undefined : value.slice(eq + 1);
    if (file === '') throw new AppError('CLI_USAGE', `-o ${value}: the file name after "=" is empty`);
    return { writer, ...(file !== undefined && { file }) };
  });
  const toStdout = specs.filter((s) => s.file === undefined);
  if (toStdout.length > 1) {
    throw new AppError(
      'CLI_USAGE',
      `only one report can go to stdout, ${toStdout.length} would (${toStdout.map((s) => s.writer.id).join(', ')})`,
      {
        hint: 'write the others to files: -o sarif=scan.sarif',
      },
    );
  }
  const files = specs.flatMap((s) => (s.file === undefined ? [] : [resolve(s.file)]));
  const dup = files.find((f, i) => files.indexOf(f) !== i);
  if (dup !== undefined) throw new AppError('CLI_USAGE', `two reports would be written to ${dup}`);
  return specs;
}

/** Fails fast, before scanning, when a report's directory is missing or not writable (`REPORT_WRITE_FAILED`). */
export async function checkOutputsWritable(specs: readonly OutputSpec[]): Promise<void> {
  for (const s of specs) {
    if (s.file === undefined) continue;
    try {
      await access(dirname(resolve(s.file)), constants.W_OK);
    } catch (err) {
      throw new AppError('REPORT_WRITE_FAILED', `cannot write ${s.file}: ${describeError(err)}`, {
        hint: 'check that its directory exists and is writable',
        cause: err,
      });
    }
  }
}

/** Writes through a temporary file next to `file`, renamed into place once complete; removed on failure. */
export async function writeFileAtomically(
  file: string,
  write: (out: Writable) => Promise<void>,
): Promise<void> {
  const target = resolve(file);
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const out = createWriteStream(tmp, { flags: 'wx' });
  try {
    await write(out);
    out.end();
    await finished(out);
    await rename(tmp, target);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw new AppError('REPORT_WRITE_FAILED', `cannot write ${file}: ${describeError(err)}`, {
      hint: 'check free space and permissions of its directory',
      cause: err,
    });
  }
}

export interface WriteReportsOptions {
  failOn?: SeverityLevel;
  /** Where reports without a file go; default process.stdout. */
  stdout?: Writable;
  /** Colours on stdout; default: when stdout is a TTY (cli/ui/output.ts). Files never get colours. */
  color?: boolean;
  /** Called after each file is in place (the CLI prints "wrote sarif to scan.sarif" on stderr). */
  onFileWritten?: (spec: OutputSpec & { file: string }) => void;
}

/** Writes every report: files first (atomically), then the stdout one. Stops at the first failure. */
export async function writeReports(
  result: ScanResult,
  specs: readonly OutputSpec[],
  opts: WriteReportsOptions = {},
): Promise<void> {
  const base = opts.failOn !== undefined ? { failOn: opts.failOn } : {};
  for (const s of specs) {
    if (s.file === undefined) continue;
    const file = s.file;
    await writeFileAtomically(file, (out) => s.writer.write(result, out, { ...base, color: false }));
    opts.onFileWritten?.({ ...s, file });
  }
  const toStdout = specs.find((s) => s.file === undefined);
  if (toStdout) {
    const stdout = opts.stdout ?? process.stdout;
    await toStdout.writer.write(result, stdout, { ...base, color: opts.color ?? useColor(stdout) });
  }
}
