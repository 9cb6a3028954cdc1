/**
 * Writes a JSON document to a `Writable` without building the whole text in memory: the big arrays
 * (components, packages, relationships) are marked with {@link streamed} and written item by item, with
 * back-pressure. The bytes equal `JSON.stringify(doc, null, 2) + '\n'` of the materialised document, so
 * goldens and readers see ordinary pretty-printed JSON.
 *
 * @example
 * await writeJson(process.stdout, { bomFormat: 'CycloneDX', components: streamed(sbom.packages.map(toComponent)) });
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const STREAMED = Symbol('streamed');
/** Output is handed to the stream in chunks of about this size. */
const CHUNK_CHARS = 64 * 1024;
const INDENT = '  ';

export interface StreamedArray {
  readonly [STREAMED]: Iterable<unknown>;
}

/** Marks a top-level property value as an array to write item by item (any iterable, e.g. a generator). */
export function streamed(items: Iterable<unknown>): StreamedArray {
  return { [STREAMED]: items };
}

function isStreamed(v: unknown): v is StreamedArray {
  return typeof v === 'object' && v !== null && STREAMED in v;
}

class Sink {
  #parts: string[] = [];
  #size = 0;
  readonly #out: Writable;

  constructor(out: Writable) {
    this.#out = out;
  }

  async write(s: string): Promise<void> {
    this.#parts.push(s);
    this.#size += s.length;
    if (this.#size >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    if (!this.#out.write(chunk)) await once(this.#out, 'drain');
  }
}

/** `JSON.stringify(v, null, 2)` re-indented to sit at `indent`; undefined for values JSON omits. */
function pretty(v: unknown, indent: string): string | undefined {
  const s = JSON.stringify(v, null, 2) as string | undefined;
  return s === undefined ? undefined : s.replace(/\n/g, `\n${indent}`);
}

async function writeArray(sink: Sink, items: Iterable<unknown>): Promise<void> {
  const inner = INDENT + INDENT;
  let first = true;
  for (const item of items) {
    // JSON.stringify writes `null` for array holes and undefined items; keep the same bytes
    const text = pretty(item, inner) ?? 'null';
    await sink.write(`${first ? '[\n' : ',\n'}${inner}${text}`);
    first = false;
  }
  await sink.write(first ? '[]' : `\n${INDENT}]`);
}

/**
 * Writes `doc` (a plain object whose top-level values may be {@link streamed} arrays) followed by a
 * newline. Does not end `out`: the caller owns it (stdout must stay open).
 */
export async function writeJson(out: Writable, doc: Record<string, unknown>): Promise<void> {
  const sink = new Sink(out);
  const parts: Array<[string, string | StreamedArray]> = [];
  for (const [key, value] of Object.entries(doc)) {
    const text = isStreamed(value) ? value : pretty(value, INDENT);
    if (text !== undefined) parts.push([key, text]);
  }
  if (parts.length === 0) {
    await sink.write('{}\n');
    return sink.flush();
  }
  await sink.write('{\n');
  for (const [i, [key, value]] of parts.entries()) {
    await sink.write(`${INDENT}${JSON.stringify(key)}: `);
    if (typeof value === 'string') await sink.write(value);
    else await writeArray(sink, value[STREAMED]);
    await sink.write(i < parts.length - 1 ? ',\n' : '\n');
  }
  await sink.write('}\n');
  await sink.flush();
}
