/**
 * Read access to the files of an image archive or layout, whether it is a directory or a tar file.
 * Both docker-archive and OCI layouts are read through this, so the tar/dir difference lives in one place.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, open, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../../errors.js';
import { cleanUserPath } from '../layer/paths.js';
import { LimitStream } from '../layer/limit-stream.js';
import type { Limits } from '../limits.js';
import { indexTar, type TarMember } from './tar-index.js';

/** Read chunk size for layer bodies (fewer, larger reads are faster for multi-GB layers). */
const READ_CHUNK = 1024 * 1024;

export interface BlobStore {
  /** Human name for messages (the archive path). */
  readonly name: string;
  has(path: string): Promise<boolean>;
  /** Reads a small file whole; `maxBytes` guards against huge manifests. */
  readSmall(path: string, maxBytes: number): Promise<Buffer>;
  size(path: string): Promise<number>;
  open(path: string): Readable;
  close(): Promise<void>;
}

export class DirBlobStore implements BlobStore {
  readonly name: string;
  readonly #root: string;

  constructor(root: string) {
    this.name = root;
    this.#root = root;
  }

  /** Host path of `path`, refusing anything that resolves outside the directory (symlinked blobs). */
  async #host(path: string): Promise<string> {
    const host = join(this.#root, cleanUserPath(path));
    const [real, rootReal] = await Promise.all([realpath(host), realpath(this.#root)]);
    if (real !== rootReal && !real.startsWith(rootReal + sep)) {
      throw new AppError(
        'IMAGE_ARCHIVE_CORRUPT',
        `${this.name}: ${path} points outside the layout directory`,
      );
    }
    return real;
  }

  async has(path: string): Promise<boolean> {
    try {
      await lstat(join(this.#root, cleanUserPath(path)));
      return true;
    } catch {
      return false; // ENOENT and friends all mean "not here" for a layout lookup
    }
  }

  async size(path: string): Promise<number> {
    return (await lstat(await this.#host(path))).size;
  }

  async readSmall(path: string, maxBytes: number): Promise<Buffer> {
    const host = await this.#host(path).catch((err: unknown) => {
      throw missing(this.name, path, err);
    });
    const fh = await open(host, 'r');
    try {
      const { size } = await fh.stat();
      if (size > maxBytes) throw tooLarge(this.name, path, size, maxBytes);
      const buf = Buffer.alloc(size);
      await fh.read(buf, 0, size, 0);
      return buf;
    } finally {
      await fh.close();
    }
  }

  open(path: string): Readable {
    return createReadStream(join(this.#root, cleanUserPath(path)), { highWaterMark: READ_CHUNK });
  }

  async close(): Promise<void> {}
}

export class TarBlobStore implements BlobStore {
  readonly name: string;
  readonly #file: string;
  readonly #members: Map<string, TarMember>;
  readonly #cleanup: (() => Promise<void>) | undefined;

  private constructor(
    name: string,
    file: string,
    members: Map<string, TarMember>,
    cleanup?: () => Promise<void>,
  ) {
    this.name = name;
    this.#file = file;
    this.#members = members;
    this.#cleanup = cleanup;
  }

  /**
   * Opens a tar archive (plain, or gzipped: then decompressed once into a private temp file, with the
   * image size limit applied, because gzip cannot be read at random offsets).
   */
  static async open(path: string, limits: Limits, tmpDir?: string): Promise<TarBlobStore> {
    const fh = await open(path, 'r').catch((err: unknown) => {
      throw new AppError('IMAGE_NOT_FOUND', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
    });
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    await fh.close();
    let file = path;
    let cleanup: (() => Promise<void>) | undefined;
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const dir = await mkdtemp(join(tmpDir ?? tmpdir(), 'corral-archive-'));
      cleanup = () => rm(dir, { recursive: true, force: true });
      file = join(dir, 'archive.tar');
      try {
        const limiter = new LimitStream(`archive ${path}`, (n) =>
          n > limits.maxTotalBytes ? `decompresses to more than ${limits.maxTotalBytes} bytes` : undefined,
        );
        await pipeline(
          createReadStream(path, { highWaterMark: READ_CHUNK }),
          createGunzip(),
          limiter,
          createWriteStream(file, { mode: 0o600 }),
        );
      } catch (err) {
        await cleanup();
        if (err instanceof AppError) throw err;
        throw new AppError(
          'IMAGE_ARCHIVE_CORRUPT',
          `${path}: gzip stream is corrupt or truncated: ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    try {
      const members = await indexTar(file, { maxMembers: limits.maxEntriesPerLayer });
      return new TarBlobStore(path, file, members, cleanup);
    } catch (err) {
      await cleanup?.();
      throw err;
    }
  }

  /** Follows member symlinks/hardlinks (docker save links duplicate layers) a bounded number of times. */
  #member(path: string): TarMember | undefined {
    let m = this.#members.get(cleanUserPath(path));
    for (let hops = 0; m && (m.type === 'symlink' || m.type === 'hardlink') && hops < 8; hops++) {
      const base = m.type === 'symlink' && !m.linkname?.startsWith('/') ? m.name.replace(/[^/]*$/, '') : '/';
      m = this.#members.get(cleanUserPath(base + (m.linkname ?? '')));
    }
    return m?.type === 'file' ? m : undefined;
  }

  async has(path: string): Promise<boolean> {
    return this.#member(path) !== undefined;
  }

  async size(path: string): Promise<number> {
    return this.#require(path).size;
  }

  async readSmall(path: string, maxBytes: number): Promise<Buffer> {
    const m = this.#require(path);
    if (m.size > maxBytes) throw tooLarge(this.name, path, m.size, maxBytes);
    const fh = await open(this.#file, 'r');
    try {
      const buf = Buffer.alloc(m.size);
      await fh.read(buf, 0, m.size, m.offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  open(path: string): Readable {
    const m = this.#require(path);
    if (m.size === 0) return createReadStream(this.#file, { start: 1, end: 0 });
    return createReadStream(this.#file, {
      start: m.offset,
      end: m.offset + m.size - 1,
      highWaterMark: READ_CHUNK,
    });
  }

  #require(path: string): TarMember {
    const m = this.#member(path);
    if (!m) throw missing(this.name, path);
    return m;
  }

  async close(): Promise<void> {
    await this.#cleanup?.();
  }
}

function missing(name: string, path: string, cause?: unknown): AppError {
  return new AppError('IMAGE_ARCHIVE_CORRUPT', `${name}: missing ${cleanUserPath(path).slice(1)}`, {
    ...(cause !== undefined && { cause }),
    hint: 'the archive is incomplete; re-create it',
  });
}

function tooLarge(name: string, path: string, size: number, max: number): AppError {
  return new AppError(
    'IMAGE_LIMIT_EXCEEDED',
    `${name}: ${cleanUserPath(path).slice(1)} is ${size} bytes (limit ${max})`,
  );
}
