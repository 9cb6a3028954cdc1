/**
 * Reads rpm's BerkeleyDB `Packages` database (rpm < 4.16, RHEL/CentOS ≤ 8, Amazon Linux 2, SLES ≤ 15):
 * a BerkeleyDB *hash* database whose keys are 4-byte header instance numbers in the writer's byte order
 * and whose values are header blobs.
 *
 * Layout, from BerkeleyDB 5.3 `src/dbinc/db_page.h` (https://github.com/berkeleydb/libdb) and rpm's own
 * read-only reader `lib/backend/bdb_ro.cc`; cross-checked with github.com/knqyf263/go-rpmdb `pkg/bdb`:
 *
 * - Every page is `pagesize` bytes; page N starts at N × pagesize. Integers are in the byte order of the
 *   machine that wrote the file; the metadata magic tells which (0x00061561 read natively).
 * - Page 0, hash metadata (`HMETA`): magic @12, version @16, pagesize @20, encrypt_alg @24, type @25
 *   (8 = P_HASHMETA), metaflags @26 (0x01 = DBMETA_CHKSUM), last_pgno @32, max_bucket @72,
 *   high_mask @76, low_mask @80, spares[32] @96. Bucket B lives on page `B + spares[bits(B)]`, where
 *   bits(B) is the number of significant bits of B (rpm `hash_bucket_to_page`).
 * - Page header (`PAGE`, 26 bytes): pgno @8, prev_pgno @12, next_pgno @16, entries @20 (u16),
 *   hf_offset @22 (u16), level @24, type @25. The item index (`inp`, u16 offsets) follows at 26, or at
 *   32 when pages carry a checksum (`PG_CHKSUM`).
 * - Hash pages (type 13 P_HASH, or 2 P_HASH_UNSORTED before BerkeleyDB 4.6) hold key/value pairs:
 *   inp[2k] is the key, inp[2k+1] the value. Items grow down from the page end, so an item's length is
 *   the previous item's offset (or pagesize for item 0) minus its own. An item's first byte is its type:
 *   1 H_KEYDATA (the bytes follow inline) or 3 H_OFFPAGE (pad[3], pgno u32, tlen u32: the value lives on
 *   a chain of overflow pages).
 * - Overflow pages (type 7 P_OVERFLOW) carry `hf_offset` bytes of data after the index offset and link
 *   on through next_pgno until 0.
 * - Key 0 holds rpm's instance counter, not a package; rpm skips it and so do we (lib/rpmdb.cc).
 */
import { type DbItem, type DbProblem, problem } from './db-record.js';

const HASH_MAGIC = 0x00061561;
const BTREE_MAGIC = 0x00053162;
/** Hash versions rpm's bdb_ro accepts (BerkeleyDB 4.x–5.x/6.x write 8, 9 and 10). */
const MIN_HASH_VERSION = 8;
const MAX_HASH_VERSION = 10;
const META_BYTES = 512;
const VALID_PAGE_SIZES: ReadonlySet<number> = new Set([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const HOFFPAGE_SIZE = 12;
const SIZEOF_PAGE = 26;
const PG_CHKSUM_SIZE = 6;
const DBMETA_CHKSUM = 0x01;
const NCACHED = 32;
const KEY_BYTES = 4;
/** Keys are u32 instance numbers; key 0 is rpm's instance counter. */
const COUNTER_KEY = 0;

interface Meta {
  le: boolean;
  pageSize: number;
  lastPage: number;
  maxBucket: number;
  spares: number[];
  /** Offset of a page's item index (26, or 32 with checksums). */
  inp: number;
}

/** Page access with the file's byte order and bounds checks. */
class Pages {
  /**
   * Every hash and overflow page already read. A page belongs to one bucket chain or one overflow item,
   * so a second visit means a loop or shared pages; refusing it bounds the work to the file's size.
   */
  readonly visited = new Set<number>();

  constructor(
    readonly data: Buffer,
    readonly meta: Meta,
  ) {}

  u16(at: number): number {
    return this.meta.le ? this.data.readUInt16LE(at) : this.data.readUInt16BE(at);
  }

  u32(at: number): number {
    return this.meta.le ? this.data.readUInt32LE(at) : this.data.readUInt32BE(at);
  }

  /**
   * Start offset of page `pgno`, or a reason why it cannot be read (rpm `bdb_getpage`). Marks the page
   * as visited.
   */
  page(pgno: number, wantTypes: readonly number[]): number | string {
    const { pageSize, lastPage } = this.meta;
    if (pgno === 0 || pgno > lastPage) return `page ${pgno} outside 1..${lastPage}`;
    if (this.visited.has(pgno)) return `page ${pgno} is reached twice (a loop or shared page)`;
    const start = pgno * pageSize;
    if (start + pageSize > this.data.length) return `page ${pgno} lies past the end of the file (truncated)`;
    if (this.u32(start + 8) !== pgno) return `page ${pgno} says it is page ${this.u32(start + 8)}`;
    const type = this.data[start + 25]!;
    if (!wantTypes.includes(type)) return `page ${pgno} has type ${type}, want ${wantTypes.join('/')}`;
    this.visited.add(pgno);
    return start;
  }
}

/**
 * Yields every header blob of a BerkeleyDB hash `Packages` file, in bucket order.
 * @example for (const item of readBdb(await file.read())) if (item.kind === 'record') parseHeader(item.blob);
 */
export function* readBdb(data: Buffer): Generator<DbItem> {
  const meta = readMeta(data);
  if ('kind' in meta) {
    yield meta;
    return;
  }
  const pages = new Pages(data, meta);
  const filePages = Math.floor(data.length / meta.pageSize);
  if (filePages < meta.lastPage + 1) {
    const expected = (meta.lastPage + 1) * meta.pageSize;
    yield problem(
      'CATALOG_RPM_DB_CORRUPT',
      `file is ${data.length} bytes, its metadata says ${expected} (truncated)`,
    );
  }
  // Bucket B lives on page B + spares[…] ≥ B: no bucket past the last page present can be read.
  const lastBucket = Math.min(meta.maxBucket, meta.lastPage, filePages - 1);
  if (lastBucket < meta.maxBucket) {
    yield problem(
      'CATALOG_RPM_DB_CORRUPT',
      `buckets ${lastBucket + 1}..${meta.maxBucket} lie past the pages present`,
    );
  }
  for (let bucket = 0; bucket <= lastBucket; bucket++) {
    yield* readBucket(pages, bucketPage(meta, bucket), bucket);
  }
}

function readMeta(data: Buffer): Meta | DbProblem {
  if (data.length < META_BYTES) {
    return problem(
      'CATALOG_RPM_DB_CORRUPT',
      `file is ${data.length} bytes, shorter than a BerkeleyDB metadata page`,
    );
  }
  const magicLE = data.readUInt32LE(12);
  const magicBE = data.readUInt32BE(12);
  if (magicLE === BTREE_MAGIC || magicBE === BTREE_MAGIC) {
    return problem(
      'CATALOG_RPM_DB_UNSUPPORTED',
      'BerkeleyDB btree database; rpm Packages is a hash database',
    );
  }
  if (magicLE !== HASH_MAGIC && magicBE !== HASH_MAGIC) {
    return problem(
      'CATALOG_RPM_DB_CORRUPT',
      `not a BerkeleyDB hash database (magic ${magicLE.toString(16)})`,
    );
  }
  const le = magicLE === HASH_MAGIC;
  const u32 = (at: number): number => (le ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const version = u32(16);
  const pageSize = u32(20);
  if (version < MIN_HASH_VERSION || version > MAX_HASH_VERSION) {
    return problem('CATALOG_RPM_DB_UNSUPPORTED', `BerkeleyDB hash version ${version} (supported: 8-10)`);
  }
  if (data[24] !== 0) return problem('CATALOG_RPM_DB_UNSUPPORTED', 'encrypted BerkeleyDB database');
  if (data[25] !== P_HASHMETA) return problem('CATALOG_RPM_DB_CORRUPT', `metadata page has type ${data[25]}`);
  if (!VALID_PAGE_SIZES.has(pageSize))
    return problem('CATALOG_RPM_DB_CORRUPT', `invalid page size ${pageSize}`);
  const spares = Array.from({ length: NCACHED }, (_, i) => u32(96 + 4 * i));
  const checksummed = ((data[26] ?? 0) & DBMETA_CHKSUM) !== 0;
  const inp = SIZEOF_PAGE + (checksummed ? PG_CHKSUM_SIZE : 0);
  return { le, pageSize, lastPage: u32(32), maxBucket: u32(72), spares, inp };
}

/** rpm `hash_bucket_to_page`: spares[] maps each doubling of the table to its first page. */
function bucketPage(meta: Meta, bucket: number): number {
  let bits = 0;
  for (let b = bucket; b > 0; b >>>= 1) bits++;
  return bucket + (meta.spares[bits] ?? 0);
}

/** Walks one bucket's page chain (next_pgno), yielding the pairs on each page. */
function* readBucket(pages: Pages, first: number, bucket: number): Generator<DbItem> {
  for (let pgno = first; pgno !== 0;) {
    const start = pages.page(pgno, [P_HASH, P_HASH_UNSORTED]);
    if (typeof start === 'string') {
      yield problem('CATALOG_RPM_DB_CORRUPT', `bucket ${bucket}: ${start}`);
      return;
    }
    yield* readPairs(pages, start, pgno);
    pgno = pages.u32(start + 16);
  }
}

function* readPairs(pages: Pages, start: number, pgno: number): Generator<DbItem> {
  const { pageSize, inp } = pages.meta;
  const entries = pages.u16(start + 20);
  if (inp + entries * 2 > pageSize) {
    yield problem('CATALOG_RPM_DB_CORRUPT', `page ${pgno}: ${entries} entries do not fit the page`);
    return;
  }
  const offset = (i: number): number => pages.u16(start + inp + 2 * i);
  const item = (i: number) => {
    const off = offset(i);
    const end = i === 0 ? pageSize : offset(i - 1);
    return { off, len: end - off };
  };
  for (let k = 0; k + 1 < entries; k += 2) {
    const key = readKey(pages, start, item(k));
    if (typeof key === 'string') {
      yield problem('CATALOG_RPM_DB_CORRUPT', `page ${pgno}, item ${k}: ${key}`);
      continue;
    }
    if (key === COUNTER_KEY) continue;
    const value = readValue(pages, start, item(k + 1));
    yield typeof value === 'string'
      ? problem('CATALOG_RPM_RECORD_CORRUPT', `record ${key}: ${value}`, key)
      : { kind: 'record', recordNumber: key, blob: value };
  }
}

/** An item's bytes within its page, or a reason when its offset or length is out of range. */
function itemBytes(pages: Pages, start: number, it: { off: number; len: number }): Buffer | string {
  const minOffset = pages.meta.inp;
  if (it.off < minOffset || it.len <= 0 || it.off + it.len > pages.meta.pageSize) {
    return `item at offset ${it.off} with length ${it.len} does not fit the page`;
  }
  return pages.data.subarray(start + it.off, start + it.off + it.len);
}

function readKey(pages: Pages, start: number, it: { off: number; len: number }): number | string {
  const bytes = itemBytes(pages, start, it);
  if (typeof bytes === 'string') return bytes;
  if (bytes[0] !== H_KEYDATA || bytes.length !== 1 + KEY_BYTES) {
    return `key of type ${bytes[0]} and ${bytes.length - 1} bytes, want a 4-byte inline key`;
  }
  return pages.meta.le ? bytes.readUInt32LE(1) : bytes.readUInt32BE(1);
}

function readValue(pages: Pages, start: number, it: { off: number; len: number }): Buffer | string {
  const bytes = itemBytes(pages, start, it);
  if (typeof bytes === 'string') return bytes;
  if (bytes[0] === H_KEYDATA) return Buffer.from(bytes.subarray(1));
  if (bytes[0] !== H_OFFPAGE || bytes.length !== HOFFPAGE_SIZE) {
    return `value of type ${bytes[0]} and ${bytes.length} bytes (want inline data or an overflow reference)`;
  }
  const le = pages.meta.le;
  const pgno = le ? bytes.readUInt32LE(4) : bytes.readUInt32BE(4);
  const tlen = le ? bytes.readUInt32LE(8) : bytes.readUInt32BE(8);
  return readOverflow(pages, pgno, tlen);
}

/** Concatenates an overflow chain of `tlen` bytes (rpm `ovfl_get`). */
function readOverflow(pages: Pages, first: number, tlen: number): Buffer | string {
  const { pageSize, inp } = pages.meta;
  const room = pageSize - inp;
  if (tlen === 0 || tlen > pages.data.length) return `overflow length ${tlen} is impossible in this file`;
  const out = Buffer.allocUnsafe(tlen);
  let filled = 0;
  let pgno = first;
  while (filled < tlen) {
    const start = pages.page(pgno, [P_OVERFLOW]);
    if (typeof start === 'string') return `overflow chain broken after ${filled} of ${tlen} bytes: ${start}`;
    const len = pages.u16(start + 22);
    if (len === 0 || len > room || filled + len > tlen) {
      return `overflow page ${pgno} holds ${len} bytes, ${tlen - filled} were left to read`;
    }
    pages.data.copy(out, filled, start + inp, start + inp + len);
    filled += len;
    pgno = pages.u32(start + 16);
  }
  return out;
}
