import type { Writable } from 'node:stream';
import type { ScanResult } from '../../match/model.js';
import { writeJson } from '../../sbom/json-writer.js';
import type { ReportOptions, ReportWriter } from '../report.js';
import { sarifLog } from './log.js';

/** SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. */
export const sarif = {
  id: 'sarif',
  description: 'SARIF 2.1.0 (GitHub code scanning)',
  contentType: 'application/sarif+json',
  write: (result: ScanResult, out: Writable, _opts: ReportOptions) => writeJson(out, sarifLog(result)),
} satisfies ReportWriter;
