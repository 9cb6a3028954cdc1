/**
 * Golden-file assertions (syft `snapshot.go`): compares output with a committed file after redacting
 * volatile parts; `UPDATE_GOLDEN=1` rewrites the files instead (review them in the diff).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** UUIDs (CycloneDX serialNumber, SPDX documentNamespace) → a fixed marker. */
export function redactUuids(text: string): string {
  return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'REDACTED-UUID');
}

export async function assertGolden(file: string, actual: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN === '1') {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 to create it`, {
      cause: err,
    });
  }
  assert.equal(actual, expected, `output differs from ${file} (UPDATE_GOLDEN=1 refreshes it after review)`);
}

/** A Writable that collects what is written, with a tiny highWaterMark so back-pressure is exercised. */
export function collector(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      setImmediate(cb);
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs an encoder into a {@link collector} and returns the text. */
export async function render(encode: (out: Writable) => Promise<void>): Promise<string> {
  const c = collector();
  await encode(c.out);
  await new Promise<void>((resolve, reject) =>
    c.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return c.text();
}
