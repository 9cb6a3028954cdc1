/**
 * Holds the bodies of files catalogers asked for: small ones in memory, large ones spilled to a private
 * temp directory (trivy `walker/cached_file.go`). Removed by `close()`.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export type Content = { kind: 'buffer'; data: Buffer } | { kind: 'spill'; file: string; size: number };

export class ContentStore {
  readonly #base: string;
  #dir: string | undefined;
  #seq = 0;
  /** Bytes currently held in memory. */
  memoryBytes = 0;

  constructor(baseDir: string = tmpdir()) {
    this.#base = baseDir;
  }

  async fromStream(body: AsyncIterable<Uint8Array>, size: number, bufferLimit: number): Promise<Content> {
    if (size <= bufferLimit) {
      const chunks: Uint8Array[] = [];
      let got = 0;
      for await (const c of body) {
        got += c.length;
        // tar headers cannot lie about size to tar-stream, but other sources might: never exceed the cap
        if (got > bufferLimit) throw new Error(`file body exceeds its declared size ${size}`);
        chunks.push(c);
      }
      const data = Buffer.concat(chunks, got);
      this.memoryBytes += data.length;
      return { kind: 'buffer', data };
    }
    const file = join(await this.#spillDir(), String(++this.#seq));
    await pipeline(body, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    return { kind: 'spill', file, size };
  }

  /**
   * `earlier` when both bodies are in memory and byte-identical, else `later`: a layer that rewrites a
   * file unchanged (an upgrade layer's untouched `/usr/bin`, a dpkg status rewritten as it was) keeps one
   * copy, not one per layer.
   */
  share(earlier: Content, later: Content): Content {
    if (earlier === later || earlier.kind !== 'buffer' || later.kind !== 'buffer') return later;
    if (!earlier.data.equals(later.data)) return later;
    this.memoryBytes -= later.data.length;
    return earlier;
  }

  async read(c: Content): Promise<Buffer> {
    return c.kind === 'buffer' ? c.data : readFile(c.file);
  }

  async #spillDir(): Promise<string> {
    this.#dir ??= await mkdtemp(join(this.#base, 'corral-spill-'));
    return this.#dir;
  }

  async close(): Promise<void> {
    const dir = this.#dir;
    this.#dir = undefined;
    this.memoryBytes = 0;
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
