/**
 * The feed importer contract (CONVENTIONS.md §2.2). An importer is a pure, streaming transform from the
 * bytes of one upstream feed to {@link FeedItem}s. It never does HTTP itself and never loads a whole
 * multi-GB file: `corral db update` downloads the files named by {@link FeedImporter.defaultUrls} (or
 * their mirrors) into temporary files, `corral db import` points at local files, directories or zips,
 * and both hand them over as a {@link FeedSource}. The writer merges the items into the SQLite vulndb.
 *
 * Helpers for importers (all streaming):
 * - `src/vulndb/feeds/read.ts`: `readJson(file, maxBytes)` for small documents, `readLines(file)`,
 *   `openFileSource(path)` (file / directory / zip → FeedSource, used by tests and `db import`).
 * - `src/vulndb/feeds/json-stream.ts`: `jsonArrayItems(stream, key)` yields the elements of the array
 *   under a top-level key (`"vulnerabilities"` of NVD/KEV); `jsonObjectEntries(stream)` yields the
 *   `[key, value]` pairs of a top-level object (Debian tracker: source package → CVEs).
 */
import type { Readable } from 'node:stream';
import type { FeedItem, FeedSourceId } from '../model.js';

export type { FeedItem, FeedSourceId } from '../model.js';

/** One upstream file of a feed. */
export interface FeedUrl {
  /**
   * Stable name of the file inside the source, `/`-separated, no leading slash (`kev.json`,
   * `nvdcve-2.0-2024.json.gz`, `npm/all.zip`, `v3.20/main.json`). It keys the download metadata
   * (ETag, Last-Modified, counts) and the rows it produced, so it must not change between versions.
   * Importers may read information from it (e.g. the Alpine release); it is also {@link FeedFile.name}.
   */
  name: string;
  /**
   * For incremental files: the full-download file ({@link FeedUrl.name}) whose rows this file updates
   * (`npm/GHSA-x.json` → `npm/all.zip`), so the next full refresh of that file can delete stale rows.
   */
  origin?: string;
  /** Default upstream URL; overridable by `CORRAL_FEED_<SOURCE>_URL` / config (base-URL substitution). */
  url: string;
  /** Extra request headers (e.g. NVD `apiKey`). */
  headers?: Record<string, string>;
  /** Sanity bounds of the body in bytes as transferred; outside → the download is rejected. */
  minBytes?: number;
  maxBytes?: number;
  /** Wait at least this long between requests to the same host (NVD API: 6 s without key). */
  minIntervalMs?: number;
}

/** One readable file of a {@link FeedSource}. */
export interface FeedFile {
  /**
   * `/`-separated name relative to the source root. For downloads it is {@link FeedUrl.name}; members of
   * a zip appear as `<zip name>/<member path>` (e.g. `npm/all.zip/GHSA-xxxx.json`).
   */
  readonly name: string;
  /** Size in bytes as stored (compressed size for `.gz`), when known. */
  readonly size: number | undefined;
  /**
   * Opens the content as a byte stream. Names ending in `.gz` are gunzipped transparently.
   * May be called more than once (each call opens afresh), but only while the iteration of
   * {@link FeedSource.files} that yielded this file has not finished.
   */
  open(signal?: AbortSignal): Promise<Readable>;
  /**
   * Optional fast path for small members already in memory (zip members): the whole (decoded) content,
   * or `undefined` when the caller must use {@link open}. `readText`/`readJson` use it automatically.
   */
  contents?(): Buffer | undefined;
}

/**
 * A plain-data description of a {@link FeedSource} made of local files, from which `read.ts`
 * (`openSourceSpec`) opens an equal source in another thread.
 */
export type FeedSourceSpec =
  | { kind: 'path'; path: string }
  | { kind: 'files'; location: string; files: { path: string; name: string }[] };

/** Where an importer reads from: one file, a directory tree, a zip, or a set of downloaded files. */
export interface FeedSource {
  /** Human-readable location for messages and `unknown` items (a path or URL). */
  readonly location: string;
  /**
   * Set for sources on local disk: lets the writer run the importer in a parse worker
   * (`src/vulndb/parallel-records.ts`) so that parsing overlaps with the database writes.
   */
  readonly spec?: FeedSourceSpec;
  /**
   * Every file of the source in a stable (sorted) order. Directories are walked recursively, zip files
   * are expanded into their members (streamed with yauzl, never extracted to memory as a whole).
   */
  files(signal: AbortSignal): AsyncIterable<FeedFile>;
}

/** What {@link FeedImporter.incremental} receives to plan a "what changed since" fetch. */
export interface IncrementalContext {
  /** ISO-8601 instant up to which the previous run was complete (its `now`). */
  since: string;
  /** ISO-8601 instant of this run; the next run gets it as `since`. */
  now: string;
  /** The full-download URLs after mirror overrides, to derive incremental URLs from. */
  urls: FeedUrl[];
  /** Downloads one small helper document (index, first API page) to a temp file. */
  fetch(url: FeedUrl, signal: AbortSignal): Promise<FeedFile>;
  signal: AbortSignal;
}

export interface FeedImporter {
  /** Stable id, also the `--source` name and the folder name under `src/vulndb/feeds/`. */
  readonly id: FeedSourceId;
  /** Bump when the output of {@link records} changes; a changed version forces a full re-import. */
  readonly version: number;
  /** Upstream files fetched by a full `corral db update`. */
  defaultUrls(): FeedUrl[];
  /**
   * Optional: files to fetch to bring the source up to date since `ctx.since` (NVD
   * `lastModStartDate`/`lastModEndDate` windows, OSV `modified_id.csv`). Their records are applied as
   * upserts and `delete` items, without deleting rows that are absent. Return `undefined` to fall
   * back to a full (conditional) download, e.g. when the gap is too large.
   */
  incremental?(ctx: IncrementalContext): Promise<FeedUrl[] | undefined>;
  /**
   * Parses the source into items. Must stream (bounded memory whatever the file size), honour
   * `signal`, and turn defects in feed data into `{ kind: 'unknown' }` items rather than throwing
   * (CONVENTIONS.md §2.4 tier a). Throw an `AppError` (`FEED_FORMAT_INVALID`) only when the whole
   * file is not the expected format (HTML error page, wrong top-level shape).
   */
  records(src: FeedSource, signal: AbortSignal): AsyncIterable<FeedItem>;
}
