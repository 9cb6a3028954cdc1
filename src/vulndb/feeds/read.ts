/**
 * Streaming readers shared by the feed importers and {@link openFileSource}, which turns a path given
 * to `corral db import` (a file, a directory tree, or a zip such as OSV's per-ecosystem `all.zip`) into
 * a {@link FeedSource}. Zip members are read member by member (`zip.ts`); nothing is extracted to disk
 * and only one member is held in memory at a time.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, describeError } from '../../errors.js';
import type { FeedFile, FeedSource, FeedSourceSpec } from './feed.js';
import { zipEntries } from './zip.js';

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
    spec: { kind: 'files', location, files: files.map((f) => ({ path: f.path, name: f.name })) },
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
      spec: { kind: 'path', path },
      files: (signal) => walkDir(path, '', signal),
    };
  }
  return { ...filesSource(path, [{ path, name: basename(path) }]), spec: { kind: 'path', path } };
}

/** Opens the source a {@link FeedSourceSpec} describes (in a parse worker). */
export function openSourceSpec(spec: FeedSourceSpec): Promise<FeedSource> {
  return spec.kind === 'path'
    ? openFileSource(spec.path)
    : Promise.resolve(filesSource(spec.location, spec.files));
}

/** Total size in bytes of the files a spec covers (directories walked), to decide on a parse worker. */
export async function specBytes(spec: FeedSourceSpec): Promise<number> {
  const paths = spec.kind === 'files' ? spec.files.map((f) => f.path) : [spec.path];
  let total = 0;
  for (const p of paths) total += await pathBytes(p);
  return total;
}

async function pathBytes(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const e of await readdir(path, { withFileTypes: true }))
    if (e.isDirectory() || e.isFile()) total += await pathBytes(join(path, e.name));
  return total;
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

/**
 * Streams the members of a zip in file order, as `<zipName>/<member>` (see `zip.ts` for why this does
 * not go through yauzl). Corrupt members fail when opened, so importers can record them as unknowns.
 */
export async function* zipMembers(path: string, zipName: string): AsyncGenerator<FeedFile> {
  for await (const entry of zipEntries(path)) {
    const name = `${zipName}/${entry.member.name}`;
    yield {
      name,
      size: entry.member.size,
      open: () => {
        try {
          return Promise.resolve(maybeGunzip(name, entry.open()));
        } catch (err) {
          return Promise.reject(err instanceof Error ? err : new Error(String(err)));
        }
      },
      contents: () => (name.endsWith('.gz') ? undefined : entry.contents()),
    };
  }
}

function tooLarge(file: FeedFile, maxBytes: number): AppError {
  return new AppError('FEED_SIZE_OUT_OF_BOUNDS', `${file.name} is larger than ${maxBytes} bytes`, {
    hint: 'large feeds must be read with the streaming helpers of src/vulndb/feeds/json-stream.ts',
  });
}

/** Reads a whole (small) file as UTF-8, refusing more than `maxBytes`. */
export async function readText(
  file: FeedFile,
  maxBytes = SMALL_JSON_BYTES,
  signal?: AbortSignal,
): Promise<string> {
  const inMemory = file.contents?.();
  if (inMemory !== undefined) {
    if (inMemory.length > maxBytes) throw tooLarge(file, maxBytes);
    return inMemory.toString('utf8');
  }
  const stream = await file.open(signal);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      stream.destroy();
      throw tooLarge(file, maxBytes);
    }
    parts.push(buf);
  }
  return Buffer.concat(parts, size).toString('utf8');
}

/** Reads and parses a whole (small) JSON document; `FEED_FORMAT_INVALID` when it does not parse. */
export async function readJson(
  file: FeedFile,
  maxBytes = SMALL_JSON_BYTES,
  signal?: AbortSignal,
): Promise<unknown> {
  const text = await readText(file, maxBytes, signal);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('FEED_FORMAT_INVALID', `${file.name} is not valid JSON: ${describeError(err)}`, {
      cause: err,
    });
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
