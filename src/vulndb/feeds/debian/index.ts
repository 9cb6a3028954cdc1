/**
 * Debian Security Tracker importer: per-release fix state, fixed version and urgency of every source
 * package (README.md). The codename ↔ version table for `Debian:12` lookups is in `releases.ts`.
 */
import type { FeedImporter } from '../feed.js';
import { parseFiles } from '../file-parser.js';
import { parseDebianTracker } from './parse-tracker-json.js';

const MiB = 1024 * 1024;

/** `tracker.json`, `json` (the URL's last segment) or a gzipped copy. */
function isTrackerJson(name: string): boolean {
  return /\.json(?:\.gz)?$/i.test(name) || /(?:^|\/)json$/.test(name);
}

export const debianFeed = {
  id: 'debian',
  version: 1,
  defaultUrls: () => [
    {
      name: 'tracker.json',
      url: 'https://security-tracker.debian.org/tracker/data/json',
      minBytes: 1 * MiB,
      maxBytes: 1024 * MiB,
    },
  ],
  records: (src, signal) =>
    parseFiles(src, signal, {
      accepts: isTrackerJson,
      expected: 'the tracker JSON (*.json or *.json.gz)',
      parse: parseDebianTracker,
    }),
} satisfies FeedImporter;
