/** FIRST EPSS importer: daily exploit-probability scores per CVE (README.md). */
import type { FeedImporter } from '../feed.js';
import { parseFiles } from '../file-parser.js';
import { parseEpssCsv } from './parse-epss-csv.js';

const MiB = 1024 * 1024;

export const epssFeed = {
  id: 'epss',
  version: 1,
  defaultUrls: () => [
    {
      // Redirects to the dated file of the latest scores; the date is read from the content.
      name: 'epss_scores-current.csv.gz',
      url: 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz',
      minBytes: 64 * 1024,
      maxBytes: 256 * MiB,
    },
  ],
  records: (src, signal) =>
    parseFiles(src, signal, {
      accepts: (name) => /\.csv(?:\.gz)?$/i.test(name),
      expected: 'EPSS scores CSV (*.csv or *.csv.gz)',
      parse: parseEpssCsv,
    }),
} satisfies FeedImporter;
