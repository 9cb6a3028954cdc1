/**
 * Content digests, the single home of the digest primitives of image/: parsing `algorithm:hex`,
 * hashing fully read bytes ({@link computeDigest}), and verification while streaming (hash every byte
 * that passes, compare at the end). registry/digest.ts adds the registry's checks on top.
 * ref. https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const SUPPORTED: Record<string, string> = { sha256: 'sha256', sha512: 'sha512' };

/** `{algorithm, hex}` of a well-formed digest of an algorithm we can compute (sha256, sha512), else undefined. */
export function parseDigest(digest: string): { algorithm: string; hex: string } | undefined {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-f0-9]{32,128})$/.exec(digest);
  if (!m || SUPPORTED[m[1] ?? ''] === undefined) return undefined;
  return { algorithm: m[1]!, hex: m[2]! };
}

/**
 * `sha256:<hex>` (or another supported algorithm) of `data`; a string is hashed as its UTF-8 bytes.
 * @example computeDigest(manifestBytes) // 'sha256:…'
 */
export function computeDigest(data: Uint8Array | string, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Counts and hashes bytes; `onEnd` receives the computed digest and byte count after the last byte. */
export class DigestingStream extends Transform {
  readonly #hash: Hash;
  readonly #algorithm: string;
  readonly #expected: string | undefined;
  readonly #onMismatch: (actual: string) => Error;
  bytes = 0;

  constructor(algorithm: string, expected: string | undefined, onMismatch: (actual: string) => Error) {
    super({ highWaterMark: 1024 * 1024 });
    this.#algorithm = algorithm;
    this.#hash = createHash(algorithm);
    this.#expected = expected;
    this.#onMismatch = onMismatch;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const actual = `${this.#algorithm}:${this.#hash.digest('hex')}`;
    if (this.#expected !== undefined && actual !== this.#expected) {
      cb(this.#onMismatch(actual));
      return;
    }
    cb();
  }
}
