/** CISA Known Exploited Vulnerabilities importer: which CVEs are exploited in the wild (README.md). */
import type { FeedImporter } from '../feed.js';
import { parseFiles } from '../file-parser.js';
import { parseKevJson } from './parse-kev-json.js';

const MiB = 1024 * 1024;

export const kevFeed = {
  id: 'kev',
  version: 1,
  defaultUrls: () => [
    {
      name: 'known_exploited_vulnerabilities.json',
      url: 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json',
      minBytes: 1024,
      maxBytes: 256 * MiB,
    },
  ],
  records: (src, signal) =>
    parseFiles(src, signal, {
      accepts: (name) => /\.json(?:\.gz)?$/i.test(name),
      expected: 'the KEV catalog JSON (*.json)',
      parse: parseKevJson,
    }),
} satisfies FeedImporter;
