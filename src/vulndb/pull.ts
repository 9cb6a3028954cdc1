/**
 * `corral db pull URL`: fetch an artefact written by `corral db export`, verify it, install it.
 * `URL` is the sidecar metadata (`….json`) or the artefact (its sidecar is then `URL.json`); local paths
 * work too (air-gapped sites copy artefacts by hand).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../errors.js';
import { openForRead } from './db.js';
import { createDownloader, type Downloader, type DownloaderOptions } from './download.js';
import {
  installDelta,
  installFull,
  parseArtifactMetadata,
  unpackArtifact,
  type ArtifactMetadata,
} from './export.js';
import { readMetadata } from './store.js';

export interface PullOptions extends DownloaderOptions {
  signal?: AbortSignal;
  onEvent?: (
    e: { type: 'fetch'; url: string } | { type: 'install'; kind: 'full' | 'delta'; dbVersion: number },
  ) => void;
}

export interface PullResult {
  kind: 'full' | 'delta';
  dbVersion: number;
  /** True when a delta did not fit the local DB and the full artefact was installed instead. */
  fellBack: boolean;
}

function isHttp(u: string): boolean {
  return /^https?:\/\//i.test(u);
}

function toUrl(u: string): URL {
  return isHttp(u) || u.startsWith('file:') ? new URL(u) : pathToFileURL(resolve(u));
}

async function fetchTo(url: URL, dest: string, download: Downloader, signal?: AbortSignal): Promise<string> {
  if (url.protocol === 'file:') {
    await copyFile(url, dest).catch((err: unknown) => {
      throw new AppError('FEED_PATH_NOT_FOUND', `cannot read ${url.pathname}`, { cause: err });
    });
    return createHash('sha256')
      .update(await readFile(dest))
      .digest('hex');
  }
  const r = await download({ url: url.href, dest, ...(signal ? { signal } : {}) });
  if (r.status !== 'ok')
    throw new AppError('FEED_HTTP_STATUS', `${url.href} answered 304 to an unconditional request`);
  return r.sha256;
}

function localState(dbPath: string): { lineage: string; dbVersion: number } | undefined {
  if (!existsSync(dbPath)) return undefined;
  const db = openForRead(dbPath);
  try {
    const m = readMetadata(db);
    return { lineage: m.lineage, dbVersion: m.dbVersion };
  } finally {
    db.close();
  }
}

/**
 * @example
 * await pullDb(defaultDbPath(), 'https://mirror.example/corral/vuln-5-7.tar.gz.json');
 */
export async function pullDb(dbPath: string, url: string, options: PullOptions = {}): Promise<PullResult> {
  const download = createDownloader(options);
  await mkdir(dirname(dbPath), { recursive: true });
  const work = await mkdtemp(join(dirname(dbPath), '.corral-pull-'));
  try {
    return await pullInto(dbPath, toUrl(url), download, work, options, false);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function pullInto(
  dbPath: string,
  url: URL,
  download: Downloader,
  work: string,
  options: PullOptions,
  fellBack: boolean,
): Promise<PullResult> {
  const metaUrl = url.pathname.endsWith('.json') ? url : new URL(`${url.href}.json`);
  options.onEvent?.({ type: 'fetch', url: metaUrl.href });
  const metaFile = join(work, `meta-${fellBack ? 'full' : 'first'}.json`);
  await fetchTo(metaUrl, metaFile, download, options.signal);
  const meta = parseArtifactMetadata(await readFile(metaFile, 'utf8'), metaUrl.href);
  if (meta.kind === 'delta' && !deltaFits(dbPath, meta)) {
    if (meta.full === undefined || fellBack) {
      throw new AppError(
        'VULNDB_DELTA_BASE_MISMATCH',
        `delta ${metaUrl.href} needs a local DB at version ${meta.baseVersion} of lineage ${meta.lineage}`,
        {
          hint: 'pull the full artefact URL instead (export one with "corral db export FILE")',
        },
      );
    }
    return pullInto(dbPath, new URL(meta.full, metaUrl), download, work, options, true);
  }
  const artifactUrl = new URL(meta.artifact ?? url.href, metaUrl);
  options.onEvent?.({ type: 'fetch', url: artifactUrl.href });
  const artifact = join(work, `artifact-${meta.kind}.tar.gz`);
  const sha = await fetchTo(artifactUrl, artifact, download, options.signal);
  if (meta.sha256 !== undefined && sha !== meta.sha256) {
    throw new AppError(
      'VULNDB_CHECKSUM_MISMATCH',
      `${artifactUrl.href} has sha256 ${sha}, metadata says ${meta.sha256}`,
      {
        hint: 'the download is corrupt or the mirror is inconsistent; pull again',
      },
    );
  }
  const dir = await mkdtemp(join(work, 'unpacked-'));
  const { meta: inner, payload } = await unpackArtifact(artifact, dir);
  options.onEvent?.({ type: 'install', kind: inner.kind, dbVersion: inner.dbVersion });
  if (inner.kind === 'full') await installFull(dbPath, payload);
  else await installDelta(dbPath, payload, inner);
  return { kind: inner.kind, dbVersion: inner.dbVersion, fellBack };
}

function deltaFits(dbPath: string, meta: ArtifactMetadata): boolean {
  const local = localState(dbPath);
  return local !== undefined && local.lineage === meta.lineage && local.dbVersion === meta.baseVersion;
}
