/**
 * Downloading one feed file to disk with undici: conditional requests (RFC 9110 §13.1: `If-None-Match`
 * with the stored ETag, `If-Modified-Since` with the stored `Last-Modified`; a 304 means "keep what you
 * have"), retries with exponential backoff on 5xx/429/network errors/truncated bodies (`Retry-After`
 * honoured up to a cap), and size sanity checks before and while reading the body.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { AppError, describeError, isAppError } from '../errors.js';

const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_MS = 60_000;
const HEADERS_TIMEOUT_MS = 60_000;
const BODY_TIMEOUT_MS = 120_000;

export interface DownloadRequest {
  url: string;
  dest: string;
  headers?: Record<string, string>;
  /** Validators from the previous fetch; when given, a 304 answer yields `not-modified`. */
  etag?: string;
  lastModified?: string;
  minBytes?: number;
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (bytes: number, total: number | undefined) => void;
}

export type DownloadResult =
  | { status: 'not-modified' }
  | { status: 'ok'; bytes: number; sha256: string; etag?: string; lastModified?: string };

export interface DownloaderOptions {
  /** Attempts after the first one for retryable failures. */
  retries?: number;
  /** First backoff delay; doubles per attempt. */
  retryDelayMs?: number;
  dispatcher?: Dispatcher;
  userAgent?: string;
}

/** Marks failures worth another attempt. */
class Retryable extends Error {
  constructor(
    readonly error: AppError,
    readonly afterMs?: number,
  ) {
    super(error.message);
  }
}

export function createDispatcher(): Dispatcher {
  return new Agent({ headersTimeout: HEADERS_TIMEOUT_MS, bodyTimeout: BODY_TIMEOUT_MS }).compose(
    interceptors.redirect({ maxRedirections: MAX_REDIRECTS }),
  );
}

export type Downloader = (req: DownloadRequest) => Promise<DownloadResult>;

/**
 * @example
 * const download = createDownloader({ retries: 3 });
 * const r = await download({ url, dest, etag: previous.etag });
 * if (r.status === 'not-modified') …
 */
export function createDownloader(options: DownloaderOptions = {}): Downloader {
  const retries = options.retries ?? 3;
  const delay = options.retryDelayMs ?? 500;
  const dispatcher = options.dispatcher ?? createDispatcher();
  const ua = options.userAgent ?? 'corral-vulndb (+https://github.com/corral)';
  return async (req) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptDownload(req, dispatcher, ua);
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        await rm(req.dest, { force: true });
        if (attempt >= retries) throw err.error;
        await sleep(Math.min(err.afterMs ?? delay * 2 ** attempt, MAX_RETRY_AFTER_MS), undefined, {
          signal: req.signal,
        });
      }
    }
  };
}

function requestHeaders(req: DownloadRequest, ua: string): Record<string, string> {
  const h: Record<string, string> = { 'user-agent': ua, 'accept-encoding': 'identity', ...req.headers };
  if (req.etag !== undefined) h['if-none-match'] = req.etag;
  if (req.lastModified !== undefined) h['if-modified-since'] = req.lastModified;
  return h;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

async function attemptDownload(
  req: DownloadRequest,
  dispatcher: Dispatcher,
  ua: string,
): Promise<DownloadResult> {
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: 'GET',
      headers: requestHeaders(req, ua),
      dispatcher,
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (err) {
    if (req.signal?.aborted === true) throw err;
    throw new Retryable(
      new AppError('FEED_DOWNLOAD_FAILED', `cannot fetch ${req.url}: ${describeError(err)}`, {
        hint: 'check the network or the mirror URL',
        cause: err,
      }),
    );
  }
  if (res.statusCode === 304) {
    await res.body.dump();
    return { status: 'not-modified' };
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    const error = new AppError('FEED_HTTP_STATUS', `${req.url} answered HTTP ${res.statusCode}`, {
      hint: res.statusCode === 404 ? 'check the URL override (CORRAL_FEED_<SOURCE>_URL)' : 'retry later',
    });
    if (res.statusCode >= 500 || res.statusCode === 429)
      throw new Retryable(error, retryAfterMs(header(res.headers, 'retry-after')));
    throw error;
  }
  const length = header(res.headers, 'content-length');
  const total = length === undefined ? undefined : Number(length);
  checkSize(req, total, 'announced');
  const { bytes, sha256 } = await saveBody(req, res, total);
  checkSize(req, bytes, 'received');
  if (total !== undefined && bytes !== total) {
    throw new Retryable(
      new AppError('FEED_TRUNCATED', `${req.url}: got ${bytes} of ${total} bytes`, { hint: 'retry later' }),
    );
  }
  const etag = header(res.headers, 'etag');
  const lastModified = header(res.headers, 'last-modified');
  return {
    status: 'ok',
    bytes,
    sha256,
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}

function checkSize(req: DownloadRequest, size: number | undefined, what: string): void {
  if (size === undefined) return;
  const tooBig = req.maxBytes !== undefined && size > req.maxBytes;
  const tooSmall = what === 'received' && req.minBytes !== undefined && size < req.minBytes;
  if (tooBig || tooSmall) {
    throw new AppError(
      'FEED_SIZE_OUT_OF_BOUNDS',
      `${req.url}: ${what} size ${size} bytes is outside [${req.minBytes ?? 0}, ${req.maxBytes ?? '∞'}]`,
      {
        hint: 'the server probably returned an error page or a different file; check the URL',
      },
    );
  }
}

async function saveBody(
  req: DownloadRequest,
  res: Dispatcher.ResponseData,
  total: number | undefined,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash.update(chunk);
      if (req.maxBytes !== undefined && bytes > req.maxBytes) {
        cb(
          new AppError('FEED_SIZE_OUT_OF_BOUNDS', `${req.url}: body exceeds ${req.maxBytes} bytes`, {
            hint: 'check the URL',
          }),
        );
        return;
      }
      req.onProgress?.(bytes, total);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(
      res.body,
      meter,
      createWriteStream(req.dest),
      ...(req.signal ? [{ signal: req.signal }] : []),
    );
  } catch (err) {
    if (isAppError(err) || req.signal?.aborted === true) throw err;
    throw new Retryable(
      new AppError(
        'FEED_TRUNCATED',
        `${req.url}: body ended early after ${bytes} bytes: ${describeError(err)}`,
        { hint: 'retry later', cause: err },
      ),
    );
  }
  return { bytes, sha256: hash.digest('hex') };
}
