/**
 * Finds a version string in a binary without decoding the whole file: `Buffer.indexOf` jumps to each
 * occurrence of a literal anchor, and only a small window around it is decoded (latin1, one byte per
 * char) and matched against a sticky pattern (syft's binary classifiers do the same with regexes over
 * the whole file; this keeps a 100 MiB `node` cheap).
 */

export interface VersionSearch {
  /** Literal bytes every match starts with (`node.js/v`). */
  anchor: string;
  /** Sticky (`y`) pattern tried at each anchor; group 1 is the version. */
  pattern: RegExp;
  /** Bytes decoded after the anchor (default 128). */
  window?: number;
  /** Require this byte right before the anchor (e.g. NUL for a C string). */
  precededBy?: number;
  /** Require this byte right after the whole match (e.g. NUL: the version is the entire C string). */
  followedBy?: number;
}

/** Anchors examined before giving up (a binary full of false anchors is not worth more). */
const MAX_ANCHOR_HITS = 10_000;
const DEFAULT_WINDOW = 128;

/**
 * The first version found, or undefined.
 * @example findVersion(buf, { anchor: 'BusyBox v', pattern: /BusyBox v(\d+\.\d+\.\d+)/y }) // '1.36.1'
 */
export function findVersion(buf: Buffer, search: VersionSearch): string | undefined {
  if (!search.pattern.sticky)
    throw new Error(`findVersion needs a sticky pattern, got ${String(search.pattern)}`);
  const anchor = Buffer.from(search.anchor, 'latin1');
  const window = search.window ?? DEFAULT_WINDOW;
  let from = 0;
  for (let hits = 0; hits < MAX_ANCHOR_HITS; hits++) {
    const at = buf.indexOf(anchor, from);
    if (at < 0) return undefined;
    from = at + 1;
    if (search.precededBy !== undefined && (at === 0 || buf[at - 1] !== search.precededBy)) continue;
    search.pattern.lastIndex = 0;
    const m = search.pattern.exec(buf.toString('latin1', at, Math.min(buf.length, at + window)));
    if (!m?.[1]) continue;
    if (search.followedBy !== undefined && buf[at + m[0].length] !== search.followedBy) continue;
    return m[1];
  }
  return undefined;
}
