/**
 * Streaming decompression chosen by magic bytes, not by media type: registries and tools mislabel layers
 * (e.g. `docker save` stores uncompressed tars under `.tar.gzip`-less names, some pushers send zstd as gzip).
 * ref. RFC 1952 (gzip magic 1f 8b), RFC 8878 §3.1.1 (zstd frame magic 28 b5 2f fd).
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;
const MAGIC_BYTES = 4;
/** zlib output chunk size: larger chunks mean fewer hops between the zlib thread and JS. */
const INFLATE_CHUNK = 256 * 1024;

export function detectCompression(head: Uint8Array): Compression {
  if (GZIP_MAGIC.every((b, i) => head[i] === b)) return 'gzip';
  if (ZSTD_MAGIC.every((b, i) => head[i] === b)) return 'zstd';
  return 'none';
}

/**
 * Reads the first bytes of `input` to detect its compression and returns the stream of its decompressed
 * bytes plus the detected kind. The returned stream carries `input`'s errors.
 */
export async function decompressAuto(
  input: Readable,
): Promise<{ stream: Readable; compression: Compression }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < MAGIC_BYTES) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    headChunks.push(r.value);
    headLen += r.value.length;
  }
  const head = Buffer.concat(headChunks);
  const compression = detectCompression(head);
  const rest = Readable.from(replay(head, done ? undefined : it), { objectMode: false });
  if (compression === 'gzip') return { stream: rest.pipe(gunzipWithErrors(rest)), compression };
  if (compression === 'zstd')
    return { stream: rest.pipe(forwardErrors(rest, new ZstdTransform())), compression };
  return { stream: rest, compression };
}

async function* replay(head: Buffer, rest: AsyncIterator<Buffer> | undefined): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  if (rest === undefined) return;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

function gunzipWithErrors(src: Readable): Transform {
  // Concatenated gzip members (pigz, some registries) are handled by zlib's multi-member support.
  return forwardErrors(src, createGunzip({ chunkSize: INFLATE_CHUNK }));
}

function forwardErrors<T extends Transform>(src: Readable, dst: T): T {
  src.once('error', (err) => dst.destroy(err));
  return dst;
}

/** fzstd's push-style streaming decoder as a Node Transform. */
class ZstdTransform extends Transform {
  readonly #dec: ZstdDecompress;

  constructor() {
    super();
    this.#dec = new ZstdDecompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#dec.push(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.#dec.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}
