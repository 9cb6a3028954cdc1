/**
 * Wraps a blob body in a pass-through that counts bytes: it reports progress, and it fails the stream
 * when the body ends short of (or runs past) the descriptor size, so a truncated download can never look
 * like a complete one even before the walker's digest check. Connection failures mid-body become
 * `REGISTRY_UNAVAILABLE` errors that name the blob, host and repository.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { AppError, describeError } from '../../errors.js';
import { isAbortError } from './transport.js';

export interface MeterOptions {
  /** Descriptor size; -1 or undefined when unknown. */
  expectedSize?: number;
  /** `blob sha256:… of host/repo`, for messages. */
  what: string;
  /** Called after each chunk with the bytes so far. */
  onProgress?: (done: number, total: number | undefined) => void;
  signal?: AbortSignal;
}

/** Returns a stream of the same bytes as `body` that errors on truncation, overrun or connection loss. */
export function meterBlob(body: Readable, opts: MeterOptions): Readable {
  const expected = opts.expectedSize !== undefined && opts.expectedSize >= 0 ? opts.expectedSize : undefined;
  let done = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
      done += chunk.length;
      if (expected !== undefined && done > expected) {
        cb(sizeError(opts.what, `more than the ${expected} bytes its descriptor declares`));
        return;
      }
      opts.onProgress?.(done, expected);
      cb(null, chunk);
    },
    flush(cb: TransformCallback): void {
      if (expected !== undefined && done !== expected) {
        cb(sizeError(opts.what, `ended after ${done} of ${expected} bytes`));
        return;
      }
      cb();
    },
  });
  body.once('error', (err: Error) => {
    meter.destroy(
      isAbortError(err, opts.signal) || err instanceof AppError ? err : connectionLost(opts.what, err),
    );
  });
  // The consumer may stop early (a walker that found what it needed): release the connection too.
  meter.once('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(meter);
  return meter;
}

function sizeError(what: string, why: string): AppError {
  return new AppError('IMAGE_LAYER_CORRUPT', `${what} ${why}`, {
    hint: 'the download was cut short or the registry served other content; retry the pull',
  });
}

function connectionLost(what: string, err: Error): AppError {
  return new AppError(
    'REGISTRY_UNAVAILABLE',
    `connection lost while reading ${what}: ${describeError(err)}`,
    {
      hint: 'retry; if it keeps happening check proxies and the registry storage backend',
      cause: err,
    },
  );
}
