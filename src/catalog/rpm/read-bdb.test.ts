import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readBdb } from './read-bdb.js';
import type { DbProblem } from './db-record.js';
import { HEADERS, problems, records } from './testdata/header-blobs.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
/** BerkeleyDB hash `Packages` made by db5.3_load from the real header blobs (testdata/README.md). */
const PACKAGES = readFileSync(join(TESTDATA, 'Packages'));
const PAGE = 4096;

function mutate(edit: (b: Buffer) => void, from: Buffer = PACKAGES): Buffer {
  const copy = Buffer.from(from);
  edit(copy);
  return copy;
}

/** Page numbers of the file's pages of the given type. */
function pagesOfType(type: number): number[] {
  const out: number[] = [];
  for (let p = 1; (p + 1) * PAGE <= PACKAGES.length; p++) if (PACKAGES[p * PAGE + 25] === type) out.push(p);
  return out;
}

describe('readBdb', () => {
  it('yields every header blob byte for byte, skipping the instance counter under key 0', () => {
    const items = [...readBdb(PACKAGES)];
    assert.deepEqual(problems(items), []);
    const got = new Map(records(items).map((r) => [r.recordNumber, r.blob]));
    assert.deepEqual([...got.keys()].sort(), [...HEADERS.keys()].sort());
    for (const [n, blob] of HEADERS) assert.ok(got.get(n)?.equals(blob), `record ${n}`);
  });

  const corrupt: [string, Buffer, DbProblem['code']][] = [
    ['an empty file', Buffer.alloc(0), 'CATALOG_RPM_DB_CORRUPT'],
    ['a file shorter than the metadata page', PACKAGES.subarray(0, 100), 'CATALOG_RPM_DB_CORRUPT'],
    ['another magic', mutate((b) => b.writeUInt32LE(0x12345678, 12)), 'CATALOG_RPM_DB_CORRUPT'],
    ['a btree database', mutate((b) => b.writeUInt32LE(0x00053162, 12)), 'CATALOG_RPM_DB_UNSUPPORTED'],
    ['an encrypted database', mutate((b) => (b[24] = 1)), 'CATALOG_RPM_DB_UNSUPPORTED'],
    ['an unknown hash version', mutate((b) => b.writeUInt32LE(3, 16)), 'CATALOG_RPM_DB_UNSUPPORTED'],
    ['an invalid page size', mutate((b) => b.writeUInt32LE(1000, 20)), 'CATALOG_RPM_DB_CORRUPT'],
  ];
  for (const [what, data, code] of corrupt) {
    it(`reports ${what} as ${code}`, () => {
      const items = [...readBdb(data)];
      assert.deepEqual(records(items), []);
      assert.deepEqual(
        problems(items).map((p) => p.code),
        [code],
      );
    });
  }

  it('reports a truncated file and still yields the records it can reach', () => {
    const items = [...readBdb(PACKAGES.subarray(0, PACKAGES.length - PAGE))];
    assert.ok(
      problems(items).some((p) => p.code === 'CATALOG_RPM_DB_CORRUPT' && /truncated/.test(p.message)),
    );
    for (const r of records(items)) assert.ok(HEADERS.get(r.recordNumber)?.equals(r.blob));
  });

  it('reports a broken overflow chain against its record and keeps the others', () => {
    const overflow = pagesOfType(7);
    assert.ok(overflow.length > 2, 'fixture should have overflow pages');
    const broken = mutate((b) => (b[overflow[overflow.length - 1]! * PAGE + 25] = 0));
    const items = [...readBdb(broken)];
    const bad = problems(items);
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.code, 'CATALOG_RPM_RECORD_CORRUPT');
    assert.ok(bad[0]!.recordNumber !== undefined && HEADERS.has(bad[0]!.recordNumber));
    assert.equal(records(items).length, HEADERS.size - 1);
  });

  it('stops at a bucket page chain that loops', () => {
    const [hashPage] = pagesOfType(13);
    assert.ok(hashPage !== undefined);
    const looped = mutate((b) => b.writeUInt32LE(hashPage, hashPage * PAGE + 16));
    const items = [...readBdb(looped)];
    assert.ok(problems(items).some((p) => /reached twice/.test(p.message)));
  });

  it('never throws on random byte flips', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 500; i++) {
      const b = mutate((x) => {
        for (let k = 0; k < 8; k++) x[rand() % x.length] = rand() & 0xff;
      });
      assert.doesNotThrow(() => [...readBdb(b)]);
    }
  });
});
