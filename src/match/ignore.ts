/**
 * `--ignore-file .corralignore.yaml`: accepted risks, each with a reason and an optional expiry date.
 *
 * ```yaml
 * ignore:
 *   - id: CVE-2023-5678            # any id or alias of the finding
 *     package: libssl3             # optional: a package name, or a purl (pkg:deb/debian/libssl3)
 *     reason: no-dsa, not reachable from our code
 *     expires: 2026-12-31          # optional, YYYY-MM-DD; from that day on the entry no longer suppresses
 * ```
 *
 * Validation is strict (unknown keys rejected) and reports every bad field as `file:line: path: problem`
 * in one `CONFIG_INVALID` error. An expired entry is not an error: it stops suppressing and becomes a
 * warning, so a forgotten exception surfaces in the next build instead of hiding a finding forever.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError, describeError } from '../errors.js';
import type { Finding, ScanResult, SuppressedFinding } from './model.js';
import { isPurl, purlMatches } from './purl-match.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const entrySchema = z
  .object({
    id: z.string().min(1),
    package: z.string().min(1).optional(),
    reason: z.string().min(1),
    expires: z
      .union([z.string(), z.date()])
      .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
      .refine((v) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), {
        message: 'expected a date YYYY-MM-DD',
      })
      .optional(),
  })
  .strict();

const fileSchema = z.object({ ignore: z.array(entrySchema).default([]) }).strict();

export type IgnoreEntry = z.infer<typeof entrySchema>;

export interface IgnoreFile {
  file: string;
  entries: IgnoreEntry[];
}

/** Parses the YAML text of an ignore file; `file` only names it in errors. */
export function parseIgnoreFile(text: string, file: string): IgnoreFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new AppError('CONFIG_INVALID', `${file}:${e.linePos?.[0]?.line ?? 1}: invalid YAML: ${e.message}`);
  }
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { file, entries: parsed.data.ignore };
  const lineOf = (path: readonly (string | number)[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range !== undefined) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const problems = parsed.error.issues.flatMap((issue) => {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((p) => {
      const what = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
      return `${file}:${lineOf(p)}: ${p.join('.') || '(root)'}: ${what}`;
    });
  });
  throw new AppError('CONFIG_INVALID', `invalid ignore file:\n  ${problems.join('\n  ')}`, {
    hint: 'entries take id, package (name or purl), reason and expires (YYYY-MM-DD) under "ignore:"',
  });
}

export async function loadIgnoreFile(file: string): Promise<IgnoreFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot read ignore file ${file}: ${describeError(err)}`, {
      cause: err,
    });
  }
  return parseIgnoreFile(text, file);
}

/** True on and after the day of `expires` (UTC). */
export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  return entry.expires !== undefined && now.toISOString().slice(0, 10) >= entry.expires;
}

export function findingIds(f: Finding): string[] {
  return [f.vulnerability.id, ...f.vulnerability.aliases];
}

export function entryMatches(entry: IgnoreEntry, f: Finding): boolean {
  if (!findingIds(f).includes(entry.id)) return false;
  if (entry.package === undefined) return true;
  return isPurl(entry.package)
    ? purlMatches(entry.package, f.package.purl)
    : entry.package === f.package.name;
}

/**
 * Moves findings matched by a live entry to `suppressed`; expired entries suppress nothing and add a
 * warning each (in `warnings`).
 */
export function applyIgnoreFile(result: ScanResult, ignore: IgnoreFile, now = new Date()): ScanResult {
  const live = ignore.entries.filter((e) => !isExpired(e, now));
  const warnings = ignore.entries
    .filter((e) => isExpired(e, now))
    .map(
      (e) =>
        `${ignore.file}: ignore entry ${e.id}${e.package !== undefined ? ` (${e.package})` : ''} expired on ${e.expires ?? ''}; it no longer suppresses ("${e.reason}")`,
    );
  const suppressed: SuppressedFinding[] = [];
  const findings = result.findings.filter((f) => {
    const entry = live.find((e) => entryMatches(e, f));
    if (entry === undefined) return true;
    suppressed.push({ finding: f, by: 'ignore-file', reason: entry.reason });
    return false;
  });
  return {
    ...result,
    findings,
    suppressed: [...(result.suppressed ?? []), ...suppressed],
    warnings: [...(result.warnings ?? []), ...warnings],
  };
}
