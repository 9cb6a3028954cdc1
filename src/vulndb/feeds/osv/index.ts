/**
 * OSV importer (https://ossf.github.io/osv-schema/). Reads single record files, directories of them and
 * the per-ecosystem `all.zip` exports of https://osv-vulnerabilities.storage.googleapis.com/ (each zip
 * member is one record, streamed). Incremental updates use each ecosystem's `modified_id.csv`
 * (https://google.github.io/osv.dev/data/#downloading-recent-changes) and fetch only changed records.
 */
import { isAppError } from '../../../errors.js';
import type { FeedItem } from '../../model.js';
import type { FeedFile, FeedImporter, FeedSource, FeedUrl, IncrementalContext } from '../feed.js';
import { readJson, readLines } from '../read.js';
import { OSV_ECOSYSTEMS } from './ecosystems.js';
import { parseOsvRecord } from './parse-record.js';

const BUCKET = 'https://osv-vulnerabilities.storage.googleapis.com';
const MiB = 1024 * 1024;
/** One OSV record; the largest real ones (kernel CVEs with many versions) are a few MB. */
const MAX_RECORD_BYTES = 32 * MiB;
/** Above this many changed records per ecosystem, one `all.zip` is cheaper than single fetches. */
export const MAX_INCREMENTAL_RECORDS = 500;
/** Older baselines are refreshed with full (conditional) downloads. */
const MAX_INCREMENTAL_AGE_MS = 14 * 24 * 3600 * 1000;

function zipUrl(eco: string): FeedUrl {
  return {
    name: `${eco}/all.zip`,
    url: `${BUCKET}/${encodeURIComponent(eco)}/all.zip`,
    minBytes: 22, // an empty zip is its 22-byte end-of-central-directory record
    maxBytes: 4096 * MiB,
  };
}

function isRecordFile(name: string): boolean {
  return name.toLowerCase().endsWith('.json');
}

/** Top-level shapes found in the wild: one record, an array of records, or an API `{ vulns: [...] }`. */
function recordsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc !== null && typeof doc === 'object' && 'vulns' in doc && Array.isArray(doc.vulns))
    return doc.vulns as unknown[];
  return [doc];
}

async function* fileItems(file: FeedFile, signal: AbortSignal): AsyncGenerator<FeedItem> {
  let doc: unknown;
  try {
    doc = await readJson(file, MAX_RECORD_BYTES, signal);
  } catch (err) {
    if (!isAppError(err)) throw err;
    yield { kind: 'unknown', location: file.name, code: err.code, message: err.message };
    return;
  }
  const list: unknown[] = recordsOf(doc);
  for (const [i, raw] of list.entries()) {
    const { record, unknowns } = parseOsvRecord(raw, i === 0 ? file.name : `${file.name}[${i}]`);
    yield* unknowns;
    if (record !== undefined) yield { kind: 'advisory', record };
  }
}

async function* records(src: FeedSource, signal: AbortSignal): AsyncGenerator<FeedItem> {
  for await (const file of src.files(signal)) {
    signal.throwIfAborted();
    if (isRecordFile(file.name)) yield* fileItems(file, signal);
  }
}

/**
 * `modified_id.csv` lines are `<RFC 3339 modified>,<id>`, newest first; collect ids changed at or after
 * `since`, giving up past {@link MAX_INCREMENTAL_RECORDS}.
 */
async function changedIds(file: FeedFile, since: string, signal: AbortSignal): Promise<string[] | undefined> {
  const sinceMs = Date.parse(since);
  const ids: string[] = [];
  for await (const line of readLines(file, signal)) {
    const comma = line.indexOf(',');
    if (comma < 0) continue;
    const modified = Date.parse(line.slice(0, comma));
    if (Number.isNaN(modified)) continue;
    if (modified < sinceMs) break;
    ids.push(line.slice(comma + 1).trim());
    if (ids.length > MAX_INCREMENTAL_RECORDS) return undefined;
  }
  return ids;
}

async function incremental(ctx: IncrementalContext): Promise<FeedUrl[] | undefined> {
  if (Date.parse(ctx.now) - Date.parse(ctx.since) > MAX_INCREMENTAL_AGE_MS) return undefined;
  const out: FeedUrl[] = [];
  for (const zip of ctx.urls) {
    if (!zip.name.endsWith('/all.zip') || !zip.url.endsWith('/all.zip')) return undefined;
    const eco = zip.name.slice(0, -'/all.zip'.length);
    const base = zip.url.slice(0, -'all.zip'.length);
    const index = await ctx.fetch(
      { name: `${eco}/modified_id.csv`, url: `${base}modified_id.csv` },
      ctx.signal,
    );
    const ids = await changedIds(index, ctx.since, ctx.signal);
    if (ids === undefined) out.push(zip);
    else
      for (const id of ids)
        out.push({
          name: `${eco}/${id}.json`,
          origin: zip.name,
          url: `${base}${encodeURIComponent(id)}.json`,
          maxBytes: MAX_RECORD_BYTES,
        });
  }
  return out;
}

export const osvFeed = {
  id: 'osv',
  version: 1,
  defaultUrls: () => OSV_ECOSYSTEMS.map(zipUrl),
  incremental,
  records,
} satisfies FeedImporter;
