/**
 * `corral db update`: bring every enabled feed up to date inside one crash-safe build ({@link buildDb}).
 * Per source: incremental when the importer supports it and the DB knows up to when it is complete
 * (OSV `modified_id.csv`, NVD `lastModStartDate` windows); otherwise every file is fetched with a
 * conditional request, and a changed file replaces exactly the rows that came from it (upserts plus a
 * sweep of rows it no longer contains). Any failure aborts the whole build; the old DB stays.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { buildDb } from './build.js';
import { createDownloader, type Downloader, type DownloaderOptions } from './download.js';
import type { FeedFile, FeedImporter, FeedUrl } from './feeds/feed.js';
import { diskFile, filesSource } from './feeds/read.js';
import { FEEDS, getFeed } from './feeds/registry.js';
import { feedItems } from './parallel-records.js';
import type { Db } from './db.js';
import type { FeedSourceId } from './model.js';
import type { ImportStats, UnknownItem, VulnDbWriter } from './writer.js';

export type UpdateEvent =
  | { type: 'source'; source: FeedSourceId; mode: 'full' | 'incremental'; files: number }
  | { type: 'download'; source: FeedSourceId; name: string; bytes: number; total: number | undefined }
  | { type: 'downloaded'; source: FeedSourceId; name: string; status: 'ok' | 'not-modified'; bytes: number }
  | { type: 'import'; source: FeedSourceId; name: string; items: number }
  | { type: 'unknown'; source: FeedSourceId; unknown: UnknownItem }
  | { type: 'phase'; phase: 'copy' | 'write' | 'swap' | 'done' };

export interface UpdateOptions extends DownloaderOptions {
  /** Sources to update; default: every registered feed. */
  sources?: readonly string[];
  /** Per-source URL overrides from config; `CORRAL_FEED_<SOURCE>_URL` in `env` wins. */
  urls?: Partial<Record<string, string>>;
  env?: NodeJS.ProcessEnv;
  /** Ignore incremental state and validators: download everything. */
  full?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: UpdateEvent) => void;
  now?: () => Date;
}

export interface SourceReport {
  source: FeedSourceId;
  mode: 'full' | 'incremental';
  files: { name: string; status: 'ok' | 'not-modified'; bytes: number }[];
  stats: ImportStats;
}

export interface UpdateReport {
  dbVersion: number;
  sources: SourceReport[];
}

/**
 * Replaces the upstream location of a source's files. An override ending in `/` (or any override for a
 * multi-file source) is a base URL: each file is fetched from `<base>/<name>`. An override of a
 * single-file source not ending in `/` is the file's URL.
 *
 * @example
 * applyOverride(osvFeed.defaultUrls(), 'http://mirror/osv/') // → http://mirror/osv/npm/all.zip …
 */
export function applyOverride(urls: FeedUrl[], override: string | undefined): FeedUrl[] {
  if (override === undefined || override === '') return urls;
  if (urls.length === 1 && !override.endsWith('/')) return urls.map((u) => ({ ...u, url: override }));
  const base = override.replace(/\/+$/, '');
  return urls.map((u) => ({ ...u, url: `${base}/${u.name.split('/').map(encodeURIComponent).join('/')}` }));
}

export function overrideFor(id: string, options: Pick<UpdateOptions, 'env' | 'urls'>): string | undefined {
  const env = options.env ?? process.env;
  return env[`CORRAL_FEED_${id.toUpperCase()}_URL`] ?? options.urls?.[id];
}

interface SourceState {
  importerVersion: number | undefined;
  completeUntil: string | undefined;
  files: Map<string, { etag: string | null; last_modified: string | null }>;
}

function readState(db: Db, source: string): SourceState {
  const s = db
    .prepare('SELECT importer_version, complete_until FROM feed_source WHERE source = ?')
    .get(source) as { importer_version: number; complete_until: string | null } | undefined;
  const files = db
    .prepare('SELECT name, etag, last_modified FROM feed_file WHERE source = ?')
    .all(source) as {
    name: string;
    etag: string | null;
    last_modified: string | null;
  }[];
  return {
    importerVersion: s?.importer_version,
    completeUntil: s?.complete_until ?? undefined,
    files: new Map(files.map((f) => [f.name, f])),
  };
}

interface RunContext {
  writer: VulnDbWriter;
  scratchDir: string;
  download: Downloader;
  options: UpdateOptions;
  signal: AbortSignal;
  now: string;
  seq: number;
}

/** Runs `corral db update` against the DB at `dbPath`. */
export async function updateDb(dbPath: string, options: UpdateOptions = {}): Promise<UpdateReport> {
  const feeds = (options.sources ?? FEEDS.map((f) => f.id)).map(getFeed);
  const download = createDownloader(options);
  const signal = options.signal ?? new AbortController().signal;
  const onPhase = (phase: 'copy' | 'write' | 'swap' | 'done'): void =>
    options.onEvent?.({ type: 'phase', phase });
  let dbVersion = 0;
  const sources = await buildDb(
    dbPath,
    async ({ writer, scratchDir }) => {
      dbVersion = writer.gen;
      const ctx: RunContext = {
        writer,
        scratchDir,
        download,
        options,
        signal,
        now: (options.now?.() ?? new Date()).toISOString(),
        seq: 0,
      };
      const reports: SourceReport[] = [];
      for (const feed of feeds) reports.push(await updateSource(feed, ctx));
      return reports;
    },
    { onPhase },
  );
  return { dbVersion, sources };
}

async function updateSource(feed: FeedImporter, ctx: RunContext): Promise<SourceReport> {
  const state = readState(ctx.writer.db, feed.id);
  const urls = applyOverride(feed.defaultUrls(), overrideFor(feed.id, ctx.options));
  const fresh = ctx.options.full === true || state.importerVersion !== feed.version;
  let planned: FeedUrl[] | undefined;
  if (!fresh && state.completeUntil !== undefined && feed.incremental !== undefined) {
    planned = await feed.incremental({
      since: state.completeUntil,
      now: ctx.now,
      urls,
      signal: ctx.signal,
      fetch: (u, signal) => fetchHelper(feed, u, ctx, signal),
    });
  }
  const mode = planned === undefined ? 'full' : 'incremental';
  const list = planned ?? urls;
  ctx.options.onEvent?.({ type: 'source', source: feed.id, mode, files: list.length });
  const report: SourceReport = { source: feed.id, mode, files: [], stats: emptyStats() };
  for (const u of list) {
    const validators = fresh || mode === 'incremental' ? undefined : state.files.get(u.name);
    await updateFile(feed, u, validators, mode, report, ctx);
  }
  ctx.writer.recordSource(feed.id, {
    importerVersion: feed.version,
    completeUntil: ctx.now,
    full: mode === 'full',
    unknowns: report.stats.unknowns,
  });
  return report;
}

function emptyStats(): ImportStats {
  return { items: 0, written: 0, unchanged: 0, deleted: 0, unknowns: 0, unknownSamples: [] };
}

function addStats(into: ImportStats, s: ImportStats): void {
  into.items += s.items;
  into.written += s.written;
  into.unchanged += s.unchanged;
  into.deleted += s.deleted;
  into.unknowns += s.unknowns;
  into.unknownSamples.push(...s.unknownSamples.slice(0, Math.max(0, 50 - into.unknownSamples.length)));
}

/** Scratch file name: a counter plus the file's extension chain (`.json.gz` keeps gunzipping on). */
function scratchPath(ctx: RunContext, name: string): string {
  const base = name.split('/').pop() ?? 'file';
  return join(ctx.scratchDir, `${++ctx.seq}-${base.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

async function fetchHelper(
  feed: FeedImporter,
  u: FeedUrl,
  ctx: RunContext,
  signal: AbortSignal,
): Promise<FeedFile> {
  const dest = scratchPath(ctx, u.name);
  const r = await ctx.download({ url: u.url, dest, signal, ...sizeAndHeaders(u) });
  if (r.status !== 'ok')
    throw new AppError('FEED_HTTP_STATUS', `${u.url} answered 304 to an unconditional request`);
  ctx.options.onEvent?.({ type: 'downloaded', source: feed.id, name: u.name, status: 'ok', bytes: r.bytes });
  return diskFile(dest, u.name, r.bytes);
}

function sizeAndHeaders(u: FeedUrl): {
  headers?: Record<string, string>;
  minBytes?: number;
  maxBytes?: number;
} {
  return {
    ...(u.headers ? { headers: u.headers } : {}),
    ...(u.minBytes !== undefined ? { minBytes: u.minBytes } : {}),
    ...(u.maxBytes !== undefined ? { maxBytes: u.maxBytes } : {}),
  };
}

async function updateFile(
  feed: FeedImporter,
  u: FeedUrl,
  validators: { etag: string | null; last_modified: string | null } | undefined,
  mode: 'full' | 'incremental',
  report: SourceReport,
  ctx: RunContext,
): Promise<void> {
  const dest = scratchPath(ctx, u.name);
  const r = await ctx.download({
    url: u.url,
    dest,
    signal: ctx.signal,
    ...sizeAndHeaders(u),
    ...(validators?.etag ? { etag: validators.etag } : {}),
    ...(validators?.last_modified ? { lastModified: validators.last_modified } : {}),
    onProgress: (bytes, total) =>
      ctx.options.onEvent?.({ type: 'download', source: feed.id, name: u.name, bytes, total }),
  });
  ctx.options.onEvent?.({
    type: 'downloaded',
    source: feed.id,
    name: u.name,
    status: r.status,
    bytes: r.status === 'ok' ? r.bytes : 0,
  });
  if (r.status === 'not-modified') {
    ctx.writer.recordFile(feed.id, { name: u.name, url: u.url, checkedAt: ctx.now });
    report.files.push({ name: u.name, status: 'not-modified', bytes: 0 });
    return;
  }
  const stats = await ctx.writer.importItems(
    {
      source: feed.id,
      origin: u.origin ?? u.name,
      mode: mode === 'full' ? 'full' : 'upsert',
      sweep: 'origin',
    },
    feedItems(feed, filesSource(u.url, [{ path: dest, name: u.name }]), ctx.signal),
    {
      signal: ctx.signal,
      onProgress: (items) => ctx.options.onEvent?.({ type: 'import', source: feed.id, name: u.name, items }),
      onUnknown: (unknown) => ctx.options.onEvent?.({ type: 'unknown', source: feed.id, unknown }),
    },
  );
  await rm(dest, { force: true });
  addStats(report.stats, stats);
  report.files.push({ name: u.name, status: 'ok', bytes: r.bytes });
  // Incremental files (one per changed record) are not tracked one by one: that table would only grow.
  if (mode === 'incremental') return;
  ctx.writer.recordFile(feed.id, {
    name: u.name,
    url: u.url,
    ...(r.etag !== undefined ? { etag: r.etag } : {}),
    ...(r.lastModified !== undefined ? { lastModified: r.lastModified } : {}),
    fetchedAt: ctx.now,
    checkedAt: ctx.now,
    bytes: r.bytes,
    records: stats.items - stats.unknowns,
  });
}
