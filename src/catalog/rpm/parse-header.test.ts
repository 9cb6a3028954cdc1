import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHeader, RpmTag, RpmType, type RpmHeader } from './parse-header.js';

const HEADERS = join(import.meta.dirname, 'testdata', 'headers');

/** testdata/headers/<hnum>-<name>.hdr: real blobs from an rpmdb written by rpm 4.18 (testdata/README.md). */
function header(name: string): Buffer {
  const file = readdirSync(HEADERS).find((f) => f.endsWith(`-${name}.hdr`));
  assert.ok(file, `no fixture for ${name}`);
  return readFileSync(join(HEADERS, file));
}

function parsed(blob: Buffer): RpmHeader {
  const r = parseHeader(blob);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.header;
}

/** Byte offset of the index entry for `tag` (throws when absent). */
function entryAt(blob: Buffer, tag: number): number {
  const il = blob.readUInt32BE(0);
  for (let i = 0; i < il; i++) if (blob.readUInt32BE(8 + 16 * i) === tag) return 8 + 16 * i;
  throw new Error(`tag ${tag} not in header`);
}

function dataStart(blob: Buffer): number {
  return 8 + 16 * blob.readUInt32BE(0);
}

/** A copy of `blob` changed by `edit`. */
function mutate(blob: Buffer, edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(blob);
  edit(copy);
  return copy;
}

describe('parseHeader on real rpm headers', () => {
  it('reads the facts rpm -qa prints (testdata/rpm-qa.txt)', () => {
    const qa = readFileSync(join(import.meta.dirname, 'testdata', 'rpm-qa.txt'), 'utf8')
      .trim()
      .split('\n');
    const ours = readdirSync(HEADERS).map((f) => {
      const h = parsed(readFileSync(join(HEADERS, f)));
      return [h.name, h.epoch ?? 0, h.version, h.release, h.arch, h.sourceRpm].join('\t');
    });
    assert.deepEqual(ours.sort(), qa.sort());
  });

  it('reads epoch, license, vendor and files', () => {
    const h = parsed(header('corral-hello'));
    assert.equal(h.epoch, 2);
    assert.equal(h.license, 'MIT AND Apache-2.0');
    assert.equal(h.vendor, 'Rocky Enterprise Software Foundation');
    assert.deepEqual(h.files.sort(), [
      '/usr/lib/python3.9/site-packages/corral_hello-1.2.3.dist-info/METADATA',
      '/usr/share/corral-hello/hello.txt',
    ]);
    assert.ok(h.size !== undefined && h.size > 0);
  });

  it('tells an absent epoch from an explicit epoch 0', () => {
    assert.equal(parsed(header('corral-lib')).epoch, undefined);
    assert.equal(parsed(header('corral-zero')).epoch, 0);
  });

  it('reads the modularity label', () => {
    assert.equal(parsed(header('corral-lib')).modularityLabel, 'corral:1.0:9010020240101:abcdef');
  });

  it('joins 300 BASENAMES with their DIRNAMES', () => {
    const files = parsed(header('corral-many')).files;
    assert.equal(files.length, 300);
    assert.ok(files.every((f) => /^\/usr\/share\/corral-many\/file-\d{3}\.txt$/.test(f)));
  });
});

describe('parseHeader on corrupt headers', () => {
  const good = header('corral-hello');
  const nameEntry = entryAt(good, RpmTag.NAME);
  const dirIndexes = entryAt(good, RpmTag.DIRINDEXES);
  const cases: [string, Buffer][] = [
    ['an empty blob', Buffer.alloc(0)],
    ['a blob shorter than its preamble', good.subarray(0, 5)],
    ['a truncated blob', good.subarray(0, good.length - 100)],
    ['trailing bytes', Buffer.concat([good, Buffer.alloc(4)])],
    ['no index entries', mutate(good, (b) => b.writeUInt32BE(0, 0))],
    ['an index count past HEADER_TAGS_MAX', mutate(good, (b) => b.writeUInt32BE(0x10000, 0))],
    ['a data length past HEADER_DATA_MAX', mutate(good, (b) => b.writeUInt32BE(0x10000000, 4))],
    ['a region tag with a wrong type', mutate(good, (b) => b.writeUInt32BE(RpmType.INT32, 12))],
    ['a region trailer outside the data', mutate(good, (b) => b.writeInt32BE(0x7ffffff0, 16))],
    ['a corrupt region trailer', mutate(good, (b) => b.writeUInt32BE(1, dataStart(b) + b.readInt32BE(16)))],
    ['an entry offset past the data', mutate(good, (b) => b.writeInt32BE(0x7ffffff0, nameEntry + 8))],
    ['a negative entry offset', mutate(good, (b) => b.writeInt32BE(-4, nameEntry + 8))],
    ['an unknown type', mutate(good, (b) => b.writeUInt32BE(42, nameEntry + 4))],
    ['a count of zero', mutate(good, (b) => b.writeUInt32BE(0, nameEntry + 12))],
    ['a STRING with count 2', mutate(good, (b) => b.writeUInt32BE(2, nameEntry + 12))],
    [
      'a misaligned INT32',
      mutate(good, (b) => b.writeInt32BE(b.readInt32BE(dirIndexes + 8) + 1, dirIndexes + 8)),
    ],
    ['an unterminated last string', mutate(good, (b) => b.fill(0x41, b.length - 40))],
    [
      'a DIRINDEXES entry past DIRNAMES',
      mutate(good, (b) => b.writeUInt32BE(99, dataStart(b) + b.readInt32BE(dirIndexes + 8))),
    ],
    ['no NAME tag', mutate(good, (b) => b.writeUInt32BE(RpmTag.SOURCERPM + 1, nameEntry))],
  ];
  for (const [what, blob] of cases) {
    it(`rejects ${what} without throwing`, () => {
      const r = parseHeader(blob);
      assert.equal(r.ok, false, `parsed: ${JSON.stringify(r)}`);
      if (!r.ok) assert.ok(r.reason.length > 0);
    });
  }

  it('rejects every single-byte truncation without throwing', () => {
    for (let n = 0; n < good.length; n += 7)
      assert.equal(parseHeader(good.subarray(0, n)).ok, false, `${n} bytes`);
  });

  it('never throws on random byte flips', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 2000; i++) {
      const b = mutate(good, (x) => {
        for (let k = 0; k < 4; k++) x[rand() % x.length] = rand() & 0xff;
      });
      assert.doesNotThrow(() => parseHeader(b));
    }
  });
});
