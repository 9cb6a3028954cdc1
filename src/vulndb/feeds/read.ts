/**
 * Streaming readers shared by the feed importers and {@link openFileSource}, which turns a path given
 * to `corral db import` (a file, a directory tree, or a zip such as OSV's per-ecosystem `all.zip`) into
 * a {@link FeedSource}. Zip members are streamed with yauzl straight from the central directory
 * (https://github.com/thejoshwolfe/yauzl#readme); nothing is extracted to disk or held in memory.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';
import { AppError, describeError } from '../../errors.js';
import type { FeedFile, FeedSource } from './feed.js';

const MiB = 1024 * 1024;
/** Default cap of {@link readJson}: whole-document reads are for small files only. */
export const SMALL_JSON_BYTES = 64 * MiB;

function maybeGunzip(name: string, stream: Readable): Readable {
  if (!name.endsWith('.gz')) return stream;
  const gunzip = createGunzip();
  stream.on('error', (err) => gunzip.destroy(err));
  return stream.pipe(gunzip);
}

/** A {@link FeedFile} backed by a file on disk. */
export function diskFile(path: string, name: string, size?: number): FeedFile {
  return {
    name,
    size,
    open: (signal) => Promise.resolve(maybeGunzip(name, createReadStream(path, { signal }))),
  };
}

/** A {@link FeedSource} over files already on disk (downloads), each with its stable name. */
export function filesSource(location: string, files: readonly { path: string; name: string }[]): FeedSource {
  return {
    location,
    async *files() {
      for (const f of files) yield* expand(diskFile(f.path, f.name, (await stat(f.path)).size), f.path);
    },
  };
}

/**
 * Opens a local path as a feed source: a single file, a zip (expanded) or a directory (walked
 * recursively in sorted order, zips inside expanded). Throws `FEED_PATH_NOT_FOUND`.
 *
 * @example
 * for await (const item of osvFeed.records(await openFileSource('npm-all.zip'), signal)) …
 */
export async function openFileSource(path: string): Promise<FeedSource> {
  const info = await stat(path).catch((err: unknown) => {
    throw new AppError('FEED_PATH_NOT_FOUND', `cannot read feed path ${path}: ${describeError(err)}`, {
      hint: 'pass an existing file, directory or zip',
      cause: err,
    });
  });
  if (info.isDirectory()) {
    return {
      location: path,
      files: (signal) => walkDir(path, '', signal),
    };
  }
  return filesSource(path, [{ path, name: basename(path) }]);
}

async function* walkDir(root: string, prefix: string, signal: AbortSignal): AsyncGenerator<FeedFile> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    signal.throwIfAborted();
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) yield* walkDir(root, rel, signal);
    else if (e.isFile()) {
      const path = join(root, rel);
      yield* expand(diskFile(path, rel, (await stat(path)).size), path);
    }
  }
}

async function* expand(file: FeedFile, path: string): AsyncGenerator<FeedFile> {
  if (file.name.toLowerCase().endsWith('.zip')) yield* zipMembers(path, file.name);
  else yield file;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) => {
      if (err) reject(new AppError('FEED_FORMAT_INVALID', `${path} is not a readable zip: ${err.message}`, { cause: err }));
      else resolve(zip);
    });
  });
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: yauzl.Entry): void => (cleanup(), resolve(e));
    const onEnd = (): void => (cleanup(), resolve(undefined));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Streams the members of a zip in central-directory order, as `<zipName>/<member>`. */
export async function* zipMembers(path: string, zipName: string): AsyncGenerator<FeedFile> {
  const zip = await openZip(path);
  try {
    for (let e = await nextEntry(zip); e !== undefined; e = await nextEntry(zip)) {
      if (e.fileName.endsWith('/')) continue;
      const entry = e;
      const name = `${zipName}/${entry.fileName}`;
      yield {
        name,
        size: entry.uncompressedSize,
        open: () =>
          new Promise<Readable>((resolve, reject) => {
            zip.openReadStream(entry, (err, stream) => {
              if (err) reject(new AppError('FEED_FORMAT_INVALID', `cannot read ${name}: ${err.message}`, { cause: err }));
              else resolve(maybeGunzip(name, stream.pipe(new PassThrough())));
            });
          }),
      };
    }
  } finally {
    zip.close();
  }
}

/** Reads a whole (small) file as UTF-8, refusing more than `maxBytes`. */
export async function readText(file: FeedFile, maxBytes = SMALL_JSON_BYTES, signal?: AbortSignal): Promise<string> {
  const stream = await file.open(signal);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      stream.destroy();
      throw new AppError('FEED_SIZE_OUT_OF_BOUNDS', `${file.name} is larger than ${maxBytes} bytes`, {
        hint: 'large feeds must be read with the streaming helpers of src/vulndb/feeds/json-stream.ts',
      });
    }
    parts.push(buf);
  }
  return Buffer.concat(parts, size).toString('utf8');
}

/** Reads and parses a whole (small) JSON document; `FEED_FORMAT_INVALID` when it does not parse. */
export async function readJson(file: FeedFile, maxBytes = SMALL_JSON_BYTES, signal?: AbortSignal): Promise<unknown> {
  const text = await readText(file, maxBytes, signal);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('FEED_FORMAT_INVALID', `${file.name} is not valid JSON: ${describeError(err)}`, { cause: err });
  }
}

/** The lines of a text file (CSV indexes such as OSV `modified_id.csv`), without line terminators. */
export async function* readLines(file: FeedFile, signal?: AbortSignal): AsyncGenerator<string> {
  const stream = await file.open(signal);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    stream.destroy();
  }
}
