/**
 * Alpine secdb importer: fixed versions per package, release and repository (README.md). Reads any
 * number of `<release>/<repo>.json` files, from downloads or a directory.
 */
import type { FeedImporter } from '../feed.js';
import { parseFiles } from '../file-parser.js';
import { MAX_SECDB_BYTES, parseAlpineSecdb } from './parse-secdb.js';
import { ALPINE_SECDB_RELEASES, ALPINE_SECDB_REPOS } from './releases.js';

const SECDB_URL = 'https://secdb.alpinelinux.org';
/** The smallest real secdb file (a repo with no fixes yet) is an object with empty `packages`. */
const MIN_SECDB_BYTES = 16;

export const alpineFeed = {
  id: 'alpine',
  version: 1,
  defaultUrls: () =>
    ALPINE_SECDB_RELEASES.flatMap((release) =>
      ALPINE_SECDB_REPOS.map((repo) => ({
        name: `${release}/${repo}.json`,
        url: `${SECDB_URL}/${release}/${repo}.json`,
        minBytes: MIN_SECDB_BYTES,
        maxBytes: MAX_SECDB_BYTES,
      })),
    ),
  records: (src, signal) =>
    parseFiles(src, signal, {
      accepts: (name) => /\.json(?:\.gz)?$/i.test(name),
      expected: 'secdb JSON files (<release>/<repo>.json)',
      parse: parseAlpineSecdb,
    }),
} satisfies FeedImporter;
