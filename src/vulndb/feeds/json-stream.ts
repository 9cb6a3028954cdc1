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

/** Byte chunks: a stream, or an in-memory list (tests, small documents). */
export type JsonInput = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

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

/** Byte-level state machine over the structural characters; see {@link jsonChildren}. */
class Scanner {
  readonly #stack: Frame[] = [];
  readonly #value = new Capture();
  readonly #key = new Capture();
  readonly #target: number;
  #inString = false;
  #escape = false;
  seenStart = false;
  found = false;

  constructor(
    private readonly path: readonly string[],
    private readonly max: number,
    private readonly location: string,
  ) {
    this.#target = path.length + 1;
  }

  invalid(why: string): AppError {
    return new AppError('FEED_FORMAT_INVALID', `${this.location} is not the expected JSON (${why})`, {
      hint: 'check that the URL or file points at the raw feed, not an HTML page or another format',
    });
  }

  get complete(): boolean {
    return this.#stack.length === 0 && !this.#inString;
  }

  /** Scans one chunk; returns the children completed in it. */
  feed(chunk: Buffer): JsonChild[] {
    const out: JsonChild[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (this.#inString) this.#stringByte(c, chunk, i);
      else if (!isSpace(c)) this.#structural(c, chunk, i, out);
    }
    this.#value.flush(chunk, chunk.length, this.max, this.location);
    this.#key.flush(chunk, chunk.length, this.max, this.location);
    return out;
  }

  #stringByte(c: number, chunk: Buffer, i: number): void {
    if (this.#escape) this.#escape = false;
    else if (c === BACKSLASH) this.#escape = true;
    else if (c === QUOTE) {
      this.#inString = false;
      const top = this.#stack[this.#stack.length - 1];
      if (this.#key.active && top)
        top.key = JSON.parse(this.#key.take(chunk, i + 1, this.max, this.location)) as string;
    }
  }

  #structural(c: number, chunk: Buffer, i: number, out: JsonChild[]): void {
    if (!this.seenStart) {
      if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) throw this.invalid('does not start with { or [');
      this.seenStart = true;
    }
    const depth = this.#stack.length;
    const top = this.#stack[depth - 1];
    const inTarget = depth === this.#target && top !== undefined && top.onPath;
    const isValueStart = c !== COMMA && c !== COLON && c !== CLOSE_ARRAY && c !== CLOSE_OBJECT;
    if (inTarget && !this.#value.active && isValueStart && !(top.object && top.expectKey))
      this.#value.begin(i);
    switch (c) {
      case QUOTE:
        this.#inString = true;
        if (top?.object && top.expectKey && depth <= this.#target && top.onPath) this.#key.begin(i);
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const onPath =
          depth === 0 ||
          (top !== undefined &&
            top.onPath &&
            top.object &&
            depth <= this.path.length &&
            this.path[depth - 1] === top.key);
        this.#stack.push({ object: c === OPEN_OBJECT, expectKey: c === OPEN_OBJECT, key: undefined, onPath });
        if (onPath && this.#stack.length === this.#target) this.found = true;
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
      case COMMA:
        if (inTarget && this.#value.active) {
          const text = this.#value.take(chunk, i, this.max, this.location);
          out.push({
            key: top.object ? top.key : undefined,
            value: parseChild(text, (why) => this.invalid(why)),
          });
        }
        if (c !== COMMA) this.#stack.pop();
        else if (top?.object) top.expectKey = true;
        break;
      case COLON:
        if (top) top.expectKey = false;
        break;
      default:
        break;
    }
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
  stream: JsonInput,
  path: readonly string[],
  options: JsonStreamOptions = {},
): AsyncGenerator<JsonChild> {
  const scanner = new Scanner(
    path,
    options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES,
    options.location ?? 'the feed',
  );
  for await (const raw of stream) {
    yield* scanner.feed(typeof raw === 'string' ? Buffer.from(raw) : raw);
  }
  if (!scanner.seenStart) throw scanner.invalid('empty input');
  if (!scanner.complete) throw scanner.invalid('truncated');
  if (!scanner.found)
    throw scanner.invalid(`no ${path.length === 0 ? 'top-level container' : `"${path.join('.')}"`}`);
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
  stream: JsonInput,
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
  stream: JsonInput,
  options?: JsonStreamOptions,
): AsyncGenerator<[string, unknown]> {
  for await (const child of jsonChildren(stream, [], options)) {
    if (child.key !== undefined) yield [child.key, child.value];
  }
}
