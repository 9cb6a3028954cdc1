import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeNdbPackages } from '../../../test/helpers/rpmdb.js';
import { adler32, readNdb } from './read-ndb.js';
import type { DbProblem } from './db-record.js';
import { HEADERS, problems, records } from './testdata/header-blobs.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
/** NDB `Packages.db` written by test/helpers/rpmdb.ts from the real header blobs, with free slots and gaps. */
const PACKAGES_DB = readFileSync(join(TESTDATA, 'Packages.db'));
const BLOBS = [...HEADERS].map(([hnum, blob]) => ({ hnum, blob }));

function mutate(edit: (b: Buffer) => void, from: Buffer = PACKAGES_DB): Buffer {
  const copy = Buffer.from(from);
  edit(copy);
  return copy;
}

/** Byte offset of the blob record of package `pkgidx`, from its slot. */
function blobOffset(db: Buffer, pkgidx: number): number {
  for (let at = 32; at < 4096; at += 16)
    if (db.readUInt32LE(at + 4) === pkgidx && db.readUInt32LE(at + 8) !== 0)
      return db.readUInt32LE(at + 8) * 16;
  throw new Error(`no slot for ${pkgidx}`);
}

describe('readNdb', () => {
  it('round-trips every header blob byte for byte', () => {
    for (const db of [PACKAGES_DB, encodeNdbPackages(BLOBS), encodeNdbPackages(BLOBS, { slotPages: 3 })]) {
      const items = [...readNdb(db)];
      assert.deepEqual(problems(items), []);
      assert.deepEqual(
        records(items).map((r) => r.recordNumber),
        [...HEADERS.keys()].sort((a, b) => a - b),
      );
      for (const r of records(items))
        assert.ok(HEADERS.get(r.recordNumber)!.equals(r.blob), `record ${r.recordNumber}`);
    }
  });

  it('reads an empty database (rpm --initdb)', () => {
    assert.deepEqual([...readNdb(encodeNdbPackages([]))], []);
  });

  it('reads more packages than one slot page holds', () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ hnum: i + 1, blob: Buffer.from(`blob ${i}`) }));
    const items = [...readNdb(encodeNdbPackages(many))];
    assert.deepEqual(problems(items), []);
    assert.equal(records(items).length, 600);
  });

  const broken: [string, Buffer, DbProblem['code']][] = [
    ['an empty file', Buffer.alloc(0), 'CATALOG_RPM_DB_CORRUPT'],
    ['another magic', mutate((b) => b.write('XpmP', 0, 'latin1')), 'CATALOG_RPM_DB_CORRUPT'],
    ['a newer version', mutate((b) => b.writeUInt32LE(1, 4)), 'CATALOG_RPM_DB_UNSUPPORTED'],
    ['zero slot pages', mutate((b) => b.writeUInt32LE(0, 12)), 'CATALOG_RPM_DB_CORRUPT'],
  ];
  for (const [what, data, code] of broken) {
    it(`reports ${what} as ${code}`, () => {
      const items = [...readNdb(data)];
      assert.deepEqual(records(items), []);
      assert.deepEqual(
        problems(items).map((p) => p.code),
        [code],
      );
    });
  }

  it('reports a damaged blob against its record number and keeps the others', () => {
    const victim = BLOBS[1]!.hnum;
    const checks: [string, (b: Buffer, at: number) => void][] = [
      ['head magic', (b, at) => b.write('XlbS', at, 'latin1')],
      ['package index', (b, at) => b.writeUInt32LE(999, at + 4)],
      ['length', (b, at) => b.writeUInt32LE(b.readUInt32LE(at + 12) + 64, at + 12)],
      ['content (adler32)', (b, at) => (b[at + 40] = b[at + 40]! ^ 0xff)],
    ];
    for (const [what, edit] of checks) {
      const items = [...readNdb(mutate((b) => edit(b, blobOffset(b, victim))))];
      const bad = problems(items);
      assert.equal(bad.length, 1, what);
      assert.equal(bad[0]!.code, 'CATALOG_RPM_RECORD_CORRUPT', what);
      assert.equal(bad[0]!.recordNumber, victim, what);
      assert.equal(records(items).length, BLOBS.length - 1, what);
    }
  });

  it('reports a truncated file and keeps the blobs before the cut', () => {
    const last = Math.max(...BLOBS.map((b) => blobOffset(PACKAGES_DB, b.hnum)));
    const items = [...readNdb(PACKAGES_DB.subarray(0, last + 20))];
    assert.ok(problems(items).some((p) => p.code === 'CATALOG_RPM_DB_CORRUPT'));
    assert.ok(problems(items).some((p) => p.code === 'CATALOG_RPM_RECORD_CORRUPT'));
    assert.equal(records(items).length, BLOBS.length - 1);
  });

  it('refuses slots that overlap or repeat a package', () => {
    const db = encodeNdbPackages(BLOBS);
    const twin = mutate((b) => b.writeUInt32LE(b.readUInt32LE(32 + 4), 48 + 4), db);
    assert.equal(records([...readNdb(twin)]).length, BLOBS.length - 1);
    const overlap = mutate((b) => b.writeUInt32LE(b.readUInt32LE(32 + 8), 48 + 8), db);
    assert.ok(problems([...readNdb(overlap)]).some((p) => /overlap/.test(p.message)));
  });

  it('stops at a slot without its magic', () => {
    const items = [...readNdb(mutate((b) => b.write('Xlot', 48, 'latin1'), encodeNdbPackages(BLOBS)))];
    assert.ok(problems(items).some((p) => p.code === 'CATALOG_RPM_DB_CORRUPT'));
    assert.equal(records(items).length, 1);
  });

  it('never throws on random byte flips', () => {
    let seed = 3;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const b = mutate((x) => {
        for (let k = 0; k < 8; k++) x[rand() % 4096] = rand() & 0xff;
      });
      assert.doesNotThrow(() => [...readNdb(b)]);
    }
  });
});

describe('adler32', () => {
  // Known values: adler32("Wikipedia") = 0x11E60398 (https://en.wikipedia.org/wiki/Adler-32), and zlib's.
  const cases: [string, number][] = [
    ['', 1],
    ['a', 0x00620062],
    ['Wikipedia', 0x11e60398],
  ];
  for (const [text, sum] of cases) {
    it(`adler32(${JSON.stringify(text)}) = ${sum.toString(16)}`, () =>
      assert.equal(adler32(Buffer.from(text)), sum));
  }

  it('reduces its sums on long inputs (past zlib NMAX)', () => {
    const big = Buffer.alloc(100_000, 0xff);
    let s1 = 1;
    let s2 = 0;
    for (const byte of big) {
      s1 = (s1 + byte) % 65521;
      s2 = (s2 + s1) % 65521;
    }
    assert.equal(adler32(big), ((s2 << 16) | s1) >>> 0);
  });
});
