/**
 * What the three rpmdb readers (read-sqlite.ts, read-bdb.ts, read-ndb.ts) yield: raw header blobs keyed by
 * their record number (rpm calls it the header instance, `hnum` / `pkgidx`), or a problem found in the
 * database structure. A reader never throws on bad content; it reports a problem and goes on with the
 * records it can still reach.
 */

/** Unknown codes of the rpm cataloger (CONVENTIONS.md §2.4 tier a). */
export type RpmUnknownCode =
  /** The file could not be read at all (size limit, I/O). */
  | 'CATALOG_RPM_DB_UNREADABLE'
  /** The database structure is broken (bad magic, truncated, broken page chain, not SQLite). */
  | 'CATALOG_RPM_DB_CORRUPT'
  /** A database variant this reader does not handle (encrypted BerkeleyDB, btree, newer NDB version). */
  | 'CATALOG_RPM_DB_UNSUPPORTED'
  /** One record's storage is broken (NDB blob checks, BerkeleyDB overflow chain); the others are read. */
  | 'CATALOG_RPM_RECORD_CORRUPT'
  /** A header blob that fails rpm's own sanity checks, or lacks NAME/VERSION/RELEASE. */
  | 'CATALOG_RPM_HEADER_CORRUPT';

export interface HeaderRecord {
  kind: 'record';
  /** rpm's header instance number (SQLite `hnum`, BerkeleyDB key, NDB `pkgidx`). */
  recordNumber: number;
  /** The header blob as rpm stores it: `il`, `dl`, index entries, data (no lead, no magic). */
  blob: Buffer;
}

export interface DbProblem {
  kind: 'problem';
  code: RpmUnknownCode;
  message: string;
  /** Set when the problem concerns one record. */
  recordNumber?: number;
}

export type DbItem = HeaderRecord | DbProblem;

export const problem = (code: RpmUnknownCode, message: string, recordNumber?: number): DbProblem => ({
  kind: 'problem',
  code,
  message,
  ...(recordNumber !== undefined && { recordNumber }),
});
