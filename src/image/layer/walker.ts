/**
 * Walks one layer as a stream: stored bytes → digest check → decompression (by magic) → size limits →
 * tar parsing. Each entry is handed to a visitor that either consumes its body or lets the walker drain
 * it; nothing is extracted to disk and nothing but the visited entry is held in memory.
 */
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { AppError, describeError, isAppError } from '../../errors.js';
import { RATIO_CHECK_FLOOR_BYTES, type Limits } from '../limits.js';
import type { Layer } from '../types.js';
import { decompressAuto, type Compression } from './decompress.js';
import { DigestingStream, parseDigest } from './digest.js';
import { LimitStream } from './limit-stream.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/**
 * The metadata a tar header gives every entry, kept as is by the squashed tree ({@link TarEntry},
 * `TreeNode` and `FileRef` in file-view.ts, host entries of `dir:` sources).
 */
export interface EntryStat {
  type: EntryType;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  mtime: number;
}

export interface TarEntry extends EntryStat {
  /** Entry name as stored in the tar (not normalised). */
  name: string;
  linkname?: string;
}

/** Shared across the layers of one image so that the total decompressed size is capped. */
export interface ByteBudget {
  used: number;
}

export interface WalkContext {
  imageRef: string;
  limits: Limits;
  budget: ByteBudget;
  signal?: AbortSignal;
  onBytes?: (storedBytes: number) => void;
}

export interface LayerWalkStats {
  storedBytes: number;
  uncompressedBytes: number;
  entries: number;
  compression: Compression;
}

/**
 * Called per entry. `body` must be fully consumed or left alone: anything not read is drained by the walker.
 */
export type EntryVisitor = (entry: TarEntry, body: EntryBody) => Promise<void> | void;

/** The body of one tar entry: iterate it to read, or leave it (the walker drains it). */
export type EntryBody = AsyncIterable<Uint8Array>;

const TYPE_MAP: Record<Header['type'], EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'dir',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

export async function walkLayer(
  layer: Layer,
  ctx: WalkContext,
  visit: EntryVisitor,
): Promise<LayerWalkStats> {
  const where = `layer ${layer.index} (${layer.digest}) of ${ctx.imageRef}`;
  const abort = new AbortController();
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, abort.signal]) : abort.signal;
  let stored: Readable;
  try {
    stored = await layer.open(signal);
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new AppError('IMAGE_SOURCE_UNAVAILABLE', `cannot open ${where}: ${describeError(err)}`, {
      cause: err,
    });
  }
  const mismatch = (actual: string): AppError =>
    new AppError(
      'IMAGE_LAYER_DIGEST_MISMATCH',
      `${where}: content digest is ${actual}, expected ${layer.verify?.digest ?? '?'}`,
      { hint: 'the blob is corrupt or was tampered with; pull the image again from a trusted source' },
    );
  const check = layer.verify ? parseDigest(layer.verify.digest) : undefined;
  if (layer.verify && !check) {
    throw new AppError('IMAGE_MANIFEST_INVALID', `${where}: unsupported digest "${layer.verify.digest}"`);
  }
  const storedCounter = new DigestingStream(
    check?.algorithm ?? 'sha256',
    layer.verify?.of === 'stored' ? layer.verify.digest : undefined,
    mismatch,
  );
  if (ctx.onBytes) storedCounter.on('data', (c: Buffer) => ctx.onBytes?.(c.length));
  stored.once('error', (e) => storedCounter.destroy(e));
  const { stream: plain, compression } = await decompressAuto(stored.pipe(storedCounter));
  const stages: Transform[] = [];
  if (layer.verify?.of === 'uncompressed')
    stages.push(new DigestingStream(check!.algorithm, layer.verify.digest, mismatch));
  const limiter = new LimitStream(
    where,
    layerLimitCheck(ctx, () => storedCounter.bytes),
  );
  stages.push(limiter);
  const extract = tarExtract();
  const piping = pipeline([plain, ...stages, extract], { signal });
  let entries = 0;
  try {
    for await (const entry of extract) {
      entries++;
      if (entries > ctx.limits.maxEntriesPerLayer) {
        throw new AppError(
          'IMAGE_LIMIT_EXCEEDED',
          `${where}: more than ${ctx.limits.maxEntriesPerLayer} tar entries`,
          {
            hint: 'raise --max-entries if this image is legitimate',
          },
        );
      }
      const e = toEntry(entry.header);
      if (e) await visit(e, entry as unknown as EntryBody);
      entry.resume();
    }
    await piping;
  } catch (err) {
    abort.abort();
    await piping.catch(() => undefined); // the first error (below) is the one worth reporting
    throw classify(err, where);
  }
  return { storedBytes: storedCounter.bytes, uncompressedBytes: limiter.bytes, entries, compression };
}

function toEntry(h: Header): TarEntry | undefined {
  const type = TYPE_MAP[h.type] as EntryType | undefined;
  if (type === undefined) return undefined;
  return {
    name: h.name,
    type,
    mode: h.mode ?? 0,
    size: h.size ?? 0,
    uid: h.uid ?? 0,
    gid: h.gid ?? 0,
    mtime: h.mtime ? h.mtime.getTime() : 0,
    ...(h.linkname ? { linkname: h.linkname } : {}),
  };
}

function classify(err: unknown, where: string): AppError {
  if (isAppError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.name === 'AbortError') {
    return new AppError('IMAGE_SOURCE_UNAVAILABLE', `${where}: reading was cancelled`, { cause: err });
  }
  const msg = describeError(err);
  const truncated = /unexpected end|premature close|truncated/i.test(msg) || e.code === 'Z_BUF_ERROR';
  return new AppError('IMAGE_LAYER_CORRUPT', `${where} is ${truncated ? 'truncated' : 'corrupt'}: ${msg}`, {
    cause: err,
    hint: 'the archive or blob is damaged; re-export or re-pull the image',
  });
}

/** Per-layer, per-image and compression-ratio caps on decompressed bytes (bomb defence). */
function layerLimitCheck(ctx: WalkContext, storedBytes: () => number) {
  const { limits, budget } = ctx;
  return (bytes: number, chunk: number): string | undefined => {
    budget.used += chunk;
    if (bytes > limits.maxLayerBytes) return `layer decompresses to more than ${limits.maxLayerBytes} bytes`;
    if (budget.used > limits.maxTotalBytes)
      return `image decompresses to more than ${limits.maxTotalBytes} bytes`;
    if (bytes > RATIO_CHECK_FLOOR_BYTES && bytes / Math.max(1, storedBytes()) > limits.maxCompressionRatio) {
      return `compression ratio above ${limits.maxCompressionRatio}:1 (decompression bomb?)`;
    }
    return undefined;
  };
}
