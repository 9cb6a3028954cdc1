/**
 * Streaming extraction of the children of one JSON container, so importers can walk multi-hundred-MB
 * feeds (NVD yearly files, the Debian tracker JSON) with memory bounded by the largest single child.
 * Only structural bytes are inspected (RFC 8259 §2: `{ } [ ] , : "` and `\` inside strings are ASCII,
 * so UTF-8 continuation bytes can never be mistaken for them); each child is parsed with `JSON.parse`.
 */
import { AppError } from '../../errors.js';

const MiB = 1024 * 1024;
export const DEFAULT_MAX_ITEM_BYTES = 256 * MiB;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export interface JsonChild {
  /** Key of the child when the container is an object; `undefined` for array elements. */
  key: string | undefined;
  value: unknown;
}

export interface JsonStreamOptions {
  /** Largest single child accepted; bigger → `FEED_FORMAT_INVALID`. */
  maxItemBytes?: number;
  /** Where the bytes come from, for error messages. */
  location?: string;
}

interface Frame {
  object: boolean;
  expectKey: boolean;
  key: string | undefined;
  onPath: boolean;
}

/** Collects byte ranges that may span chunks. */
class Capture {
  private parts: Buffer[] = [];
  private size = 0;
  start = -1;
  get active(): boolean {
    return this.start >= 0;
  }
  begin(at: number): void {
    this.start = at;
  }
  flush(chunk: Buffer, end: number, max: number, location: string): void {
    if (this.start < 0) return;
    const part = chunk.subarray(this.start, end);
    this.parts.push(part);
    this.size += part.length;
    this.start = 0;
    if (this.size > max) {
      throw new AppError('FEED_FORMAT_INVALID', `a JSON item in ${location} exceeds ${max} bytes`, {
        hint: 'the file is probably not the expected feed format',
      });
    }
  }
  take(chunk: Buffer, end: number, max: number, location: string): string {
    this.flush(chunk, end, max, location);
    const text = Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    this.start = -1;
    return text;
  }
}

/**
 * Yields the children of the container found by following `path` (object keys) from the top-level
 * value: `[]` → children of the top-level object/array, `['vulnerabilities']` → elements of the array
 * under the top-level key `vulnerabilities`. Throws `FEED_FORMAT_INVALID` when the input is not JSON
 * or the path does not exist.
 *
 * @example
 * for await (const { value } of jsonChildren(stream, ['vulnerabilities'])) handle(value);
 */
export async function* jsonChildren(
  stream: AsyncIterable<Buffer | string>,
  path: readonly string[],
  options: JsonStreamOptions = {},
): AsyncGenerator<JsonChild> {
  const max = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
  const location = options.location ?? 'the feed';
  const target = path.length + 1;
  const stack: Frame[] = [];
  const value = new Capture();
  const key = new Capture();
  let inString = false;
  let escape = false;
  let seenStart = false;
  let found = false;
  const invalid = (why: string): AppError =>
    new AppError('FEED_FORMAT_INVALID', `${location} is not the expected JSON (${why})`, {
      hint: 'check that the URL or file points at the raw feed, not an HTML page or another format',
    });

  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const out: JsonChild[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          if (key.active) {
            const top = stack[stack.length - 1];
            if (top) top.key = JSON.parse(key.take(chunk, i + 1, max, location)) as string;
          }
        }
        continue;
      }
      if (isSpace(c)) continue;
      if (!seenStart) {
        if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) throw invalid('does not start with { or [');
        seenStart = true;
      }
      const depth = stack.length;
      const top = stack[depth - 1];
      const inTarget = depth === target && top !== undefined && top.onPath;
      if (
        inTarget &&
        !value.active &&
        c !== COMMA &&
        c !== COLON &&
        c !== CLOSE_ARRAY &&
        c !== CLOSE_OBJECT
      ) {
        if (!(top.object && top.expectKey)) value.begin(i);
      }
      switch (c) {
        case QUOTE:
          inString = true;
          if (top?.object && top.expectKey && depth <= target && top.onPath) key.begin(i);
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY: {
          const onPath =
            depth === 0 ||
            (top !== undefined &&
              top.onPath &&
              top.object &&
              depth <= path.length &&
              path[depth - 1] === top.key);
          stack.push({ object: c === OPEN_OBJECT, expectKey: c === OPEN_OBJECT, key: undefined, onPath });
          if (onPath && stack.length === target) found = true;
          break;
        }
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
        case COMMA:
          if (inTarget && value.active) {
            const text = value.take(chunk, i, max, location);
            out.push({ key: top.object ? top.key : undefined, value: parseChild(text, invalid) });
          }
          if (c === COMMA) {
            if (top?.object) top.expectKey = true;
          } else {
            stack.pop();
          }
          break;
        case COLON:
          if (top) top.expectKey = false;
          break;
        default:
          break;
      }
    }
    value.flush(chunk, chunk.length, max, location);
    key.flush(chunk, chunk.length, max, location);
    yield* out;
  }
  if (!seenStart) throw invalid('empty input');
  if (stack.length > 0 || inString) throw invalid('truncated');
  if (!found) throw invalid(`no ${path.length === 0 ? 'top-level container' : `"${path.join('.')}"`}`);
}

function parseChild(text: string, invalid: (why: string) => AppError): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid(`bad item: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The elements of the array under the top-level key `key` (NVD `vulnerabilities`, KEV `vulnerabilities`). */
export function jsonArrayItems(
  stream: AsyncIterable<Buffer | string>,
  key: string,
  options?: JsonStreamOptions,
): AsyncGenerator<unknown> {
  return mapValues(jsonChildren(stream, [key], options));
}

async function* mapValues(children: AsyncGenerator<JsonChild>): AsyncGenerator<unknown> {
  for await (const child of children) yield child.value;
}

/** The `[key, value]` pairs of the top-level object (Debian tracker: source package → CVE map). */
export async function* jsonObjectEntries(
  stream: AsyncIterable<Buffer | string>,
  options?: JsonStreamOptions,
): AsyncGenerator<[string, unknown]> {
  for await (const child of jsonChildren(stream, [], options)) {
    if (child.key !== undefined) yield [child.key, child.value];
  }
}
