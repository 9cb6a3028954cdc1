/**
 * Reporting defects in feed data (CONVENTIONS.md §2.4 tier a), shared by the Debian, Alpine, NVD, KEV
 * and EPSS importers: a bad record or field becomes an `unknown` item naming where it sits and why,
 * and the import keeps going. Validation is lenient in the renovate `LooseArray` way: bad elements of
 * a collection are dropped and reported one by one, the good ones are kept.
 */
import type { ZodError, ZodType, ZodTypeDef } from 'zod';
import type { FeedItem } from '../model.js';

/** Codes of the `unknown` items these importers produce. Tests assert these, never the message. */
export const FEED_DEFECT = {
  /** A record lacks the documented shape (missing id, wrong type); the record or element is skipped. */
  recordInvalid: 'FEED_RECORD_INVALID',
  /** A field holds a value outside the documented vocabulary (unknown status, bad id); it is skipped. */
  valueUnsupported: 'FEED_VALUE_UNSUPPORTED',
  /** A file of the source is not one this importer reads (judged by its name); it is skipped. */
  fileIgnored: 'FEED_FILE_IGNORED',
} as const;
export type FeedDefectCode = (typeof FEED_DEFECT)[keyof typeof FEED_DEFECT];

export type UnknownItem = Extract<FeedItem, { kind: 'unknown' }>;

/** The `unknown` item for one defect. */
export function defect(location: string, code: FeedDefectCode, message: string): UnknownItem {
  return { kind: 'unknown', location, code, message };
}

/**
 * `file#/a/b`: an RFC 6901 JSON pointer into a file, for {@link UnknownItem.location}.
 *
 * @example
 * jsonLocation('tracker.json', 'openssl', 'CVE-2024-0727', 'releases', 'bookworm')
 * // → 'tracker.json#/openssl/CVE-2024-0727/releases/bookworm'
 */
export function jsonLocation(file: string, ...path: readonly (string | number)[]): string {
  const escaped = path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1'));
  return `${file}#/${escaped.join('/')}`;
}

const MAX_ISSUES_SHOWN = 5;

/** All issues of a zod error with their paths (`releases.bookworm.status: Expected string…`). */
export function describeIssues(error: ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES_SHOWN).map((i) => {
    const at = i.path.length === 0 ? '(record)' : i.path.join('.');
    return `${at}: ${i.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/**
 * Parses each element of `value` (expected to be an array) with `schema`, keeping the valid ones with
 * their index and reporting each invalid one through `onDefect`. A non-array `value` that is not
 * `undefined`/`null` is reported once (index `undefined`) and yields nothing.
 */
export function looseEntries<T>(
  value: unknown,
  schema: ZodType<T, ZodTypeDef, unknown>,
  onDefect: (index: number | undefined, message: string) => void,
): { index: number; value: T }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    onDefect(undefined, `expected an array, found ${typeName(value)}`);
    return [];
  }
  const out: { index: number; value: T }[] = [];
  value.forEach((element: unknown, index) => {
    const parsed = schema.safeParse(element);
    if (parsed.success) out.push({ index, value: parsed.data });
    else onDefect(index, describeIssues(parsed.error));
  });
  return out;
}

/** {@link looseEntries} without the indexes. */
export function looseArray<T>(
  value: unknown,
  schema: ZodType<T, ZodTypeDef, unknown>,
  onDefect: (index: number | undefined, message: string) => void,
): T[] {
  return looseEntries(value, schema, onDefect).map((e) => e.value);
}

/** `object`, `array`, `string`, `null`… for messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'undefined' ? 'nothing' : `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
