/**
 * The zip reader on damaged members: corrupt deflate data, sizes that do not match the central
 * directory. Each damaged member fails alone with `FEED_FORMAT_INVALID`, and the members after it still
 * inflate (the reader reuses one zlib context, reset per member).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { writeZip } from '../../../test/support/zip.js';
import { zipEntries } from './zip.js';

const tmp = mkdtempSync(join(tmpdir(), 'corral-zip-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CENTRAL_SIG = 0x02014b50;
const bodies = ['{"id":"A"}', JSON.stringify({ id: 'B', details: 'x'.repeat(5000) }), '', '{"id":"D"}'];

function build(name: string): string {
  const path = join(tmp, name);
  writeZip(
    path,
    bodies.map((data, i) => ({ name: `${i}.json`, data })),
  );
  return path;
}

/** Offset of the central-directory record of member `name`. */
function centralRecord(zip: Buffer, name: string): number {
  for (
    let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    at >= 0;
    at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 1)
  ) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIG) continue;
    const len = zip.readUInt16LE(at + 28);
    if (zip.subarray(at + 46, at + 46 + len).toString() === name) return at;
  }
  throw new Error(`no central record for ${name}`);
}

async function read(path: string): Promise<(string | Error)[]> {
  const out: (string | Error)[] = [];
  for await (const e of zipEntries(path)) {
    try {
      out.push(e.contents()!.toString());
    } catch (err) {
      out.push(err as Error);
    }
  }
  return out;
}

const isInvalid = (v: string | Error, what: RegExp): boolean =>
  v instanceof Error && isAppError(v, 'FEED_FORMAT_INVALID') && what.test(v.message);

describe('zip members', () => {
  it('inflates every member, including an empty one', async () => {
    assert.deepEqual(await read(build('ok.zip')), bodies);
  });

  it('reports corrupt deflate data per member and goes on with the next', async () => {
    const path = build('corrupt.zip');
    const zip = readFileSync(path);
    const rec = centralRecord(zip, '1.json');
    const local = zip.readUInt32LE(rec + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    zip[dataStart] = 0xff; // a reserved block type (BTYPE 11)
    zip.writeUInt8(zip.readUInt8(dataStart + 1) ^ 0xff, dataStart + 1);
    writeFileSync(path, zip);
    const got = await read(path);
    assert.equal(got[0], bodies[0]);
    assert.ok(isInvalid(got[1]!, /1\.json: corrupt deflate data/), String(got[1]));
    assert.deepEqual(got.slice(2), bodies.slice(2));
  });

  it('refuses members whose data is longer or shorter than the declared size', async () => {
    for (const delta of [-1, +1, -4000]) {
      const path = build(`size${delta}.zip`);
      const zip = readFileSync(path);
      const rec = centralRecord(zip, '1.json');
      zip.writeUInt32LE(zip.readUInt32LE(rec + 24) + delta, rec + 24);
      writeFileSync(path, zip);
      const got = await read(path);
      assert.ok(
        isInvalid(got[1]!, /1\.json.*(size or CRC-32 mismatch|corrupt deflate data)/),
        `${delta}: ${String(got[1])}`,
      );
      assert.deepEqual([got[0], ...got.slice(2)], [bodies[0], ...bodies.slice(2)], `delta ${delta}`);
    }
  });

  it('refuses a member truncated by a wrong compressed size', async () => {
    const path = build('trunc.zip');
    const zip = readFileSync(path);
    const rec = centralRecord(zip, '1.json');
    zip.writeUInt32LE(zip.readUInt32LE(rec + 20) - 10, rec + 20);
    writeFileSync(path, zip);
    const got = await read(path);
    assert.ok(isInvalid(got[1]!, /1\.json: corrupt deflate data/), String(got[1]));
    assert.equal(got[3], bodies[3]);
  });
});
