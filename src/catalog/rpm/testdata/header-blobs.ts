/**
 * What the database readers' tests (read-bdb, read-ndb, read-sqlite) share: the real header blobs of
 * headers/ (every database here holds exactly these, see README.md) and filters over the items a reader
 * yields.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DbItem, DbProblem, HeaderRecord } from '../db-record.js';

const HEADERS_DIR = join(import.meta.dirname, 'headers');

/** hnum → blob of headers/<hnum>-<name>.hdr. */
export const HEADERS = new Map(
  readdirSync(HEADERS_DIR).map((f) => [Number(f.split('-')[0]), readFileSync(join(HEADERS_DIR, f))]),
);

export const records = (items: DbItem[]): HeaderRecord[] =>
  items.filter((i): i is HeaderRecord => i.kind === 'record');

export const problems = (items: DbItem[]): DbProblem[] =>
  items.filter((i): i is DbProblem => i.kind === 'problem');
