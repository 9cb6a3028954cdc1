/**
 * 0001-init → schema 2.0.0. Append-only once released: never edit a released migration, add the next
 * number instead. (It was rewritten once before the first release, when 1.0.0 became 2.0.0; see the
 * changelog in `schema.ts`.)
 *
 * Row sets: one `advisory` row per (feed, record id) holds the feed's text and its record-level
 * severities (JSON); `affected` hangs off it; `alias` maps every known id (CVE, GHSA, DSA, …) to the
 * one `vuln_id` its group shares. `gen` is the DB generation (meta `db_version`) that last wrote a row
 * and drives delta exports; `tombstone` remembers deletions for the same purpose.
 *
 * `affected` is the matcher's hot path, so it is laid out for it: a WITHOUT ROWID table clustered on
 * the lookup key (ecosystem, package, distro_release, then advisory pk and the entry's position `seq`
 * in it), so one lookup is one B-tree descent plus a contiguous scan, without a join; everything else
 * a lookup returns, including the advisory's `vuln_id`, `source` and id, is one JSON array `entry`
 * (layout and reasons: `affected-entry.ts`; alias-group merges rewrite its `vuln_id`).
 */
import type { Migration } from './index.js';

const SQL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE advisory (
  pk INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  vuln_id TEXT NOT NULL,
  origin TEXT NOT NULL,
  summary TEXT,
  details TEXT,
  published TEXT,
  modified TEXT,
  withdrawn TEXT,
  aliases TEXT NOT NULL,
  refs TEXT NOT NULL,
  cwes TEXT NOT NULL,
  severities TEXT NOT NULL,
  hash TEXT NOT NULL,
  gen INTEGER NOT NULL,
  UNIQUE (source, id)
);
CREATE INDEX advisory_vuln ON advisory (vuln_id);
CREATE INDEX advisory_origin ON advisory (source, origin);
CREATE INDEX advisory_gen ON advisory (gen);

CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  package TEXT NOT NULL,
  distro_release TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (ecosystem, package, distro_release, advisory, seq)
) WITHOUT ROWID;
CREATE INDEX affected_advisory ON affected (advisory);

CREATE TABLE alias (alias TEXT PRIMARY KEY, vuln_id TEXT NOT NULL, gen INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX alias_vuln ON alias (vuln_id);
CREATE INDEX alias_gen ON alias (gen);

CREATE TABLE kev (
  cve TEXT PRIMARY KEY,
  vendor TEXT,
  product TEXT,
  name TEXT,
  date_added TEXT NOT NULL,
  due_date TEXT,
  known_ransomware INTEGER NOT NULL,
  required_action TEXT,
  origin TEXT NOT NULL,
  gen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX kev_gen ON kev (gen);

CREATE TABLE epss (
  cve TEXT PRIMARY KEY,
  score REAL NOT NULL,
  percentile REAL NOT NULL,
  date TEXT NOT NULL,
  origin TEXT NOT NULL,
  gen INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX epss_gen ON epss (gen);

CREATE TABLE tombstone (
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  gen INTEGER NOT NULL,
  PRIMARY KEY (kind, source, id)
) WITHOUT ROWID;
CREATE INDEX tombstone_gen ON tombstone (gen);

CREATE TABLE feed_source (
  source TEXT PRIMARY KEY,
  importer_version INTEGER NOT NULL,
  complete_until TEXT,
  last_full_at TEXT,
  last_incremental_at TEXT,
  unknowns INTEGER NOT NULL DEFAULT 0,
  gen INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE feed_file (
  source TEXT NOT NULL,
  name TEXT NOT NULL,
  url TEXT,
  etag TEXT,
  last_modified TEXT,
  fetched_at TEXT,
  checked_at TEXT,
  bytes INTEGER,
  records INTEGER NOT NULL DEFAULT 0,
  gen INTEGER NOT NULL,
  PRIMARY KEY (source, name)
) WITHOUT ROWID;
`;

export const init0001: Migration = {
  id: 1,
  name: 'init',
  schema: { model: 2, revision: 0, addition: 0 },
  up: (db) => db.exec(SQL),
};
