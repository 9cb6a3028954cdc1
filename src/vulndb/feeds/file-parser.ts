/**
 * Runs a pure per-file parser over every file of a {@link FeedSource}: files whose names the importer
 * does not read become `FEED_FILE_IGNORED` unknowns, each accepted file is opened as a stream and
 * closed afterwards, and file-level failures get the file name and the byte position at which they
 * were noticed (counted on the decompressed content the parser saw).
 */
import { AppError, isAppError } from '../../errors.js';
import type { FeedItem, FeedSource } from './feed.js';
import { defect, FEED_DEFECT } from './feed-defects.js';

/** A pure streaming parser of one file; `name` is {@link FeedFile.name}, used in locations. */
export type FileParser = (
  input: AsyncIterable<Buffer | string>,
  name: string,
  signal?: AbortSignal,
) => AsyncIterable<FeedItem>;

export interface FileParserOptions {
  /** Which file names the importer reads (pure, no I/O). */
  accepts(name: string): boolean;
  /** What accepted files look like, for the `FEED_FILE_IGNORED` message (`"*.json (tracker JSON)"`). */
  expected: string;
  parse: FileParser;
}

/**
 * @example
 * records: (src, signal) => parseFiles(src, signal, { accepts: isJson, expected: '*.json', parse: parseKevJson })
 */
export async function* parseFiles(
  src: FeedSource,
  signal: AbortSignal,
  options: FileParserOptions,
): AsyncGenerator<FeedItem> {
  for await (const file of src.files(signal)) {
    signal.throwIfAborted();
    if (!options.accepts(file.name)) {
      yield defect(file.name, FEED_DEFECT.fileIgnored, `not read: expected ${options.expected}`);
      continue;
    }
    const stream = await file.open(signal);
    let bytes = 0;
    const counted = async function* (): AsyncGenerator<Buffer | string> {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        yield chunk;
      }
    };
    try {
      yield* options.parse(counted(), file.name, signal);
    } catch (err) {
      throw positioned(err, file.name, bytes);
    } finally {
      stream.destroy();
    }
  }
}

/**
 * Adds the file name and position to a file-level failure: `FEED_*` AppErrors get the position
 * appended, zlib failures of a `.gz` file become `FEED_TRUNCATED` (stream ends early) or
 * `FEED_FORMAT_INVALID` (not gzip data). Anything else is returned unchanged.
 */
export function positioned(err: unknown, name: string, bytes: number): unknown {
  if (isAppError(err)) {
    if (!err.code.startsWith('FEED_')) return err;
    const named = err.message.includes(name) ? err.message : `${name}: ${err.message}`;
    return new AppError(err.code, `${named} (after ${bytes} bytes)`, { hint: err.hint, cause: err });
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'Z_BUF_ERROR') {
    return new AppError(
      'FEED_TRUNCATED',
      `${name} ends early: its compressed data stops after ${bytes} bytes`,
      {
        hint: 'the download was cut off or the file is incomplete; fetch it again',
        cause: err,
      },
    );
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new AppError(
      'FEED_FORMAT_INVALID',
      `${name} is not valid gzip data (failed after ${bytes} bytes)`,
      {
        hint: 'check that the file is the gzipped feed and not an HTML error page',
        cause: err,
      },
    );
  }
  return err;
}
