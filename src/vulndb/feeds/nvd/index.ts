/**
 * NVD importer: CVE descriptions, CVSS metrics, CWEs, dates and CPE configurations (README.md). A full
 * update reads the yearly JSON 2.0 feeds; incremental updates use the modified feed or the CVE API
 * (`api.ts`).
 */
import type { FeedImporter } from '../feed.js';
import { parseFiles } from '../file-parser.js';
import { nvdFeedUrls, planNvdIncremental } from './api.js';
import { parseNvdCveJson } from './parse-cve-json.js';

export const nvdFeed = {
  id: 'nvd',
  version: 1,
  defaultUrls: () => nvdFeedUrls(new Date().getUTCFullYear()),
  incremental: planNvdIncremental,
  records: (src, signal) =>
    parseFiles(src, signal, {
      accepts: (name) => /\.json(?:\.gz)?$/i.test(name),
      expected: 'NVD CVE JSON 2.0 feed files or API pages (*.json, *.json.gz)',
      parse: parseNvdCveJson,
    }),
} satisfies FeedImporter;
