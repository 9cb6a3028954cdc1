/**
 * The `affected.entry` column: everything a lookup returns about one affected entry, as one positional
 * JSON array
 *
 *   [vuln_id, source, advisory_id, distro_release, ranges, versions, fix_state, fixed_in, severity, cpe, note]
 *
 * with trailing nulls omitted (`distro_release` repeats the key column so that a lookup reads this one
 * column). One column instead of eleven because each column a lookup returns costs a value conversion
 * per row, and one `JSON.parse` replaces four (measured on 10,000 lookups of ~3.7 rows: two columns →
 * this one ≈ 12% less CPU; with the other lookup changes of schema 2.0.0, ≈ 1,800 → ≈ 95 ms). `vuln_id`
 * changes when alias groups merge; the writer rewrites it with
 * `json_set(entry, '$[0]', …)`.
 */
import type { Affected, AffectedRange, FeedSourceId, FixState, SeverityRating } from './model.js';

/** The column as `JSON.parse` returns it. */
export type EntryJson = [
  vulnId: string,
  source: FeedSourceId,
  advisoryId: string,
  distroRelease: string,
  ranges: AffectedRange[],
  versions: string[],
  fixState: FixState,
  fixedIn?: string | null,
  severity?: SeverityRating | null,
  cpe?: string | null,
  note?: string | null,
];

/** JSON path of `vuln_id` inside the column, for `json_set`. */
export const ENTRY_VULN_ID_PATH = '$[0]';

/**
 * The content part of an entry (from `ranges` on): what the writer hashes, since the group id is not
 * content. {@link encodeEntry} prefixes it with the advisory's identity.
 */
export function entryContent(a: Affected): string {
  const e: unknown[] = [
    a.ranges,
    a.versions,
    a.fixState,
    a.fixedIn ?? null,
    a.severity ?? null,
    a.cpe ?? null,
    a.note ?? null,
  ];
  while (e[e.length - 1] === null) e.pop();
  return JSON.stringify(e);
}

/**
 * @example
 * encodeEntry('CVE-2024-1', 'osv', 'GHSA-x', '', '[[],["1.0.0"],"not-fixed"]')
 * // → '["CVE-2024-1","osv","GHSA-x","",[],["1.0.0"],"not-fixed"]'
 */
export function encodeEntry(
  vulnId: string,
  source: string,
  advisoryId: string,
  distroRelease: string,
  content: string,
): string {
  // `content` is a JSON array of at least three elements: splice the identity in front of them
  const q = JSON.stringify;
  return `[${q(vulnId)},${q(source)},${q(advisoryId)},${q(distroRelease)},${content.slice(1)}`;
}

/**
 * The parsed column (no second object per row: lookups build their result from it directly). Absent
 * trailing values are `undefined`, `null` ones `null`.
 */
export function decodeEntry(text: string): EntryJson {
  return JSON.parse(text) as EntryJson;
}
