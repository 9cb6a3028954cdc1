/**
 * A pass-through stream that counts bytes and fails with `IMAGE_LIMIT_EXCEEDED` as soon as `check`
 * reports a violation: the defence against decompression bombs, applied before anything is parsed.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../errors.js';

/** Returns why the byte count is too high, or undefined when it is fine. */
export type LimitCheck = (totalBytes: number, chunkBytes: number) => string | undefined;

export class LimitStream extends Transform {
  bytes = 0;
  readonly #where: string;
  readonly #check: LimitCheck;

  constructor(where: string, check: LimitCheck) {
    super({ highWaterMark: 1024 * 1024 });
    this.#where = where;
    this.#check = check;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    const why = this.#check(this.bytes, chunk.length);
    if (why !== undefined) {
      cb(
        new AppError('IMAGE_LIMIT_EXCEEDED', `${this.#where}: ${why}`, {
          hint: 'if the image is legitimate, raise the limit (--max-layer-size, --max-image-size)',
        }),
      );
      return;
    }
    cb(null, chunk);
  }
}
