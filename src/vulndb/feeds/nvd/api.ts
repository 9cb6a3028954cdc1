/**
 * URLs of the NVD data: the yearly/modified JSON 2.0 feed files for full downloads, and the CVE API 2.0
 * for incremental updates by last-modified date.
 * ref. https://nvd.nist.gov/developers/vulnerabilities: `lastModStartDate`/`lastModEndDate` must be
 * given together and span at most 120 days; `resultsPerPage` is at most 2000; paging is by
 * `startIndex`; without an API key NVD allows 5 requests per rolling 30 s.
 * ref. https://nvd.nist.gov/vuln/data-feeds: `nvdcve-2.0-<year>.json.gz` (2002 holds all earlier
 * CVEs), `nvdcve-2.0-modified.json.gz` (CVEs changed in the last 8 days).
 */
import { z } from 'zod';
import { AppError } from '../../../errors.js';
import type { FeedFile, FeedUrl, IncrementalContext } from '../feed.js';
import { readJson } from '../read.js';

export const NVD_API_URL = 'https://services.nvd.nist.gov/rest/json/cves/2.0';
export const NVD_FEED_URL = 'https://nvd.nist.gov/feeds/json/cve/2.0';
export const NVD_FIRST_FEED_YEAR = 2002;
export const NVD_MAX_WINDOW_DAYS = 120;
export const NVD_RESULTS_PER_PAGE = 2000;
/**
 * Pages overlap by this many results: a CVE modified while we page leaves the window and shifts the
 * later results down, which without overlap could skip one at a page boundary.
 */
export const NVD_PAGE_OVERLAP = 100;
/** Gaps up to this long are served by the modified feed (which covers 8 days) instead of the API. */
export const NVD_MODIFIED_FEED_DAYS = 7;
/** Gaps longer than this fall back to a full download of the yearly feeds. */
export const NVD_MAX_INCREMENTAL_DAYS = 365;
/** Without an API key NVD allows 5 requests per 30 s. */
export const NVD_API_INTERVAL_MS = 6000;

const DAY_MS = 24 * 60 * 60 * 1000;
const MiB = 1024 * 1024;
const MODIFIED_FEED = 'nvdcve-2.0-modified.json.gz';
const YEARLY_FEED = /^nvdcve-2\.0-\d{4}\.json\.gz$/;
/** A probe page (one result) is small; the cap only guards against a wrong URL. */
const MAX_PROBE_BYTES = 16 * MiB;

export interface NvdWindow {
  start: Date;
  end: Date;
}

/**
 * Splits `[since, until]` into consecutive windows of at most `maxDays` days (NVD's 120-day limit).
 *
 * @example
 * nvdWindows(new Date('2024-01-01T00:00:00Z'), new Date('2024-06-01T00:00:00Z')).length // 2
 */
export function nvdWindows(since: Date, until: Date, maxDays = NVD_MAX_WINDOW_DAYS): NvdWindow[] {
  const out: NvdWindow[] = [];
  const step = maxDays * DAY_MS;
  for (let start = since.getTime(); start < until.getTime(); start += step) {
    out.push({ start: new Date(start), end: new Date(Math.min(start + step, until.getTime())) });
  }
  return out;
}

/** NVD's date parameter: ISO-8601 with milliseconds and an explicit offset, `+` sent as `%2B`. */
export function nvdDateParam(date: Date): string {
  return date.toISOString().replace(/Z$/, '%2B00:00');
}

/**
 * The CVE API URL of one page of CVEs last modified within `window`.
 *
 * @example
 * nvdApiUrl({ start, end }, 2000)
 * // https://services.nvd.nist.gov/rest/json/cves/2.0?lastModStartDate=2024-01-01T00:00:00.000%2B00:00&…&startIndex=2000
 */
export function nvdApiUrl(
  window: NvdWindow,
  startIndex: number,
  {
    base = NVD_API_URL,
    resultsPerPage = NVD_RESULTS_PER_PAGE,
  }: { base?: string; resultsPerPage?: number } = {},
): string {
  const query = [
    `lastModStartDate=${nvdDateParam(window.start)}`,
    `lastModEndDate=${nvdDateParam(window.end)}`,
    `resultsPerPage=${resultsPerPage}`,
    `startIndex=${startIndex}`,
  ];
  return `${base}?${query.join('&')}`;
}

/** `20240101T000000Z`: a window bound as it appears in stable file names. */
function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function apiPage(window: NvdWindow, startIndex: number, resultsPerPage: number, label: string): FeedUrl {
  return {
    name: `api/lastmod-${compactTime(window.start)}-${compactTime(window.end)}-${label}.json`,
    url: nvdApiUrl(window, startIndex, { resultsPerPage }),
    minIntervalMs: NVD_API_INTERVAL_MS,
    maxBytes: 512 * MiB,
  };
}

/** The yearly feed files of a full download, 2002 to `year`, then the modified feed (sorted last). */
export function nvdFeedUrls(year: number): FeedUrl[] {
  const urls: FeedUrl[] = [];
  for (let y = NVD_FIRST_FEED_YEAR; y <= year; y++) {
    const name = `nvdcve-2.0-${y}.json.gz`;
    urls.push({ name, url: `${NVD_FEED_URL}/${name}`, minBytes: 1024, maxBytes: 1024 * MiB });
  }
  urls.push({
    name: MODIFIED_FEED,
    url: `${NVD_FEED_URL}/${MODIFIED_FEED}`,
    minBytes: 64,
    maxBytes: 1024 * MiB,
  });
  return urls;
}

/** The modified feed next to the (possibly mirrored) yearly feeds, so mirrors keep working. */
function modifiedFeed(urls: readonly FeedUrl[]): FeedUrl | undefined {
  const yearly = urls.find((u) => YEARLY_FEED.test(u.name));
  if (yearly === undefined) return undefined;
  const url = yearly.url.replace(/[^/]*$/, MODIFIED_FEED);
  return { ...yearly, name: MODIFIED_FEED, url, minBytes: 64 };
}

const ProbePage = z.object({ totalResults: z.number().int().nonnegative() });

async function totalResults(file: FeedFile, signal: AbortSignal): Promise<number> {
  const parsed = ProbePage.safeParse(await readJson(file, MAX_PROBE_BYTES, signal));
  if (!parsed.success) {
    throw new AppError('FEED_FORMAT_INVALID', `${file.name} is not an NVD CVE API page (no totalResults)`, {
      hint: 'check the NVD API URL and that the response is not an error page',
    });
  }
  return parsed.data.totalResults;
}

/** `startIndex` of each page needed for `total` results, pages overlapping by {@link NVD_PAGE_OVERLAP}. */
export function pageStarts(total: number): number[] {
  const starts: number[] = [];
  const stride = NVD_RESULTS_PER_PAGE - NVD_PAGE_OVERLAP;
  for (let start = 0; start < total; start += stride) {
    starts.push(start);
    if (start + NVD_RESULTS_PER_PAGE >= total) break;
  }
  return starts;
}

/**
 * Plans an incremental NVD update (`FeedImporter.incremental`): nothing when nothing can
 * have changed, the modified feed for gaps up to a week, CVE API pages for gaps up to a year (one
 * probe request per 120-day window learns its size), and `undefined` (full download) beyond.
 */
export async function planNvdIncremental(ctx: IncrementalContext): Promise<FeedUrl[] | undefined> {
  const since = new Date(ctx.since);
  const now = new Date(ctx.now);
  if (Number.isNaN(since.getTime()) || Number.isNaN(now.getTime())) return undefined;
  const gapDays = (now.getTime() - since.getTime()) / DAY_MS;
  if (gapDays <= 0) return [];
  if (gapDays > NVD_MAX_INCREMENTAL_DAYS) return undefined;
  const modified = gapDays <= NVD_MODIFIED_FEED_DAYS ? modifiedFeed(ctx.urls) : undefined;
  if (modified !== undefined) return [modified];
  const pages: FeedUrl[] = [];
  for (const window of nvdWindows(since, now)) {
    const probe = await ctx.fetch(apiPage(window, 0, 1, 'count'), ctx.signal);
    const total = await totalResults(probe, ctx.signal);
    for (const start of pageStarts(total))
      pages.push(apiPage(window, start, NVD_RESULTS_PER_PAGE, String(start)));
  }
  return pages;
}
