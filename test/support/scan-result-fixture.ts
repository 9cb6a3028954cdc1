/**
 * The fixed {@link ScanResult} every report golden is made from (src/report/testdata/scan-result.json):
 * a Debian 12 image of three layers (base image, apt/pip layer, npm layer) with distro findings in
 * every fix state (fixed, not-fixed, wont-fix, end-of-life; one found through the source package for
 * two binaries), a PyPI and two npm findings, KEV and EPSS data, aliases, CWEs, and one package whose
 * version is not comparable. Each call returns a fresh copy, so tests may change it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanResult } from '../../src/match/model.js';

export const SCAN_RESULT_FIXTURE = join(
  import.meta.dirname,
  '..',
  '..',
  'src',
  'report',
  'testdata',
  'scan-result.json',
);

let text: string | undefined;

export function scanResultFixture(): ScanResult {
  text ??= readFileSync(SCAN_RESULT_FIXTURE, 'utf8');
  return JSON.parse(text) as ScanResult;
}
