/**
 * THE list of report formats (CONVENTIONS.md §2.8 habit 1): adding one = a folder with an `index.ts`
 * exporting a {@link ReportWriter} + one line here. registry.test.ts checks the list against the folders.
 *
 * @example
 * await reportFor('sarif').write(result, process.stdout, { color: false });
 */
import { AppError } from '../errors.js';
import { cyclonedxJson } from './cyclonedx-json/index.js';
import { gitlab } from './gitlab/index.js';
import { json } from './json/index.js';
import { junit } from './junit/index.js';
import { markdown } from './markdown/index.js';
import type { ReportId, ReportWriter } from './report.js';
import { sarif } from './sarif/index.js';
import { table } from './table/index.js';

export const REPORT_WRITERS: readonly ReportWriter[] = [
  table,
  json,
  sarif,
  junit,
  cyclonedxJson,
  gitlab,
  markdown,
];

export type { ReportId, ReportOptions, ReportWriter } from './report.js';

/** The writer for `-o <id>`; throws `CLI_USAGE` naming the valid formats. */
export function reportFor(id: string): ReportWriter {
  const w = REPORT_WRITERS.find((x) => x.id === id);
  if (w) return w;
  throw new AppError('CLI_USAGE', `unknown report format "${id}"`, {
    hint: `use one of: ${REPORT_WRITERS.map((x) => x.id).join(', ')}`,
  });
}

export function isReportId(id: string): id is ReportId {
  return REPORT_WRITERS.some((x) => x.id === id);
}
