/**
 * Reads rpm's NDB `Packages.db` (the "ndb" backend: openSUSE/SLES 15 SP3+ before their switch to SQLite).
 *
 * Layout, from rpm `lib/backend/ndb/rpmpkg.c` (https://github.com/rpm-software-management/rpm); all
 * integers are little-endian u32 whatever the host:
 *
 * - The file is a sequence of 16-byte blocks (BLK_SIZE); its size must be a multiple of it.
 * - Header, 32 bytes at 0: magic `RpmP` @0, version @4 (0), generation @8, slotnpages @12,
 *   nextpkgidx @16.
 * - Slot area: the first `slotnpages` 4096-byte pages. Each 16-byte slot is magic `Slot` @0, pkgidx @4,
 *   blkoff @8, blkcnt @12; the header occupies the first two slots of page 0. `blkoff` 0 marks a free
 *   slot. A used slot must have pkgidx ≠ 0, blkcnt ≠ 0, blkoff past the slot area and its blocks inside
 *   the file (`rpmpkgReadSlots`).
 * - Blob at blkoff × 16, blkcnt × 16 bytes: head magic `BlbS` @0, pkgidx @4, generation @8, bloblen @12;
 *   then the header blob, zero padding, and a 12-byte tail: adler32 @0 (of everything before the tail),
 *   bloblen @4, magic `BlbE` @8. blkcnt must equal ceil((16 + bloblen + 12) / 16) (`rpmpkgReadBlob`).
 */
import { type DbItem, problem } from './db-record.js';

const le32Tag = (s: string): number => Buffer.from(s, 'latin1').readUInt32LE(0);
const NDB_PKGDB_MAGIC = le32Tag('RpmP');
const NDB_SLOT_MAGIC = le32Tag('Slot');
const NDB_BLOBHEAD_MAGIC = le32Tag('BlbS');
const NDB_BLOBTAIL_MAGIC = le32Tag('BlbE');
const NDB_VERSION = 0;
const NDB_BLK_SIZE = 16;
const NDB_SLOT_SIZE = 16;
const NDB_PAGE_SIZE = 4096;
const NDB_HEADER_SIZE = 32;
const NDB_BLOBHEAD_SIZE = 16;
const NDB_BLOBTAIL_SIZE = 12;
/** rpmpkg.c `PKGDB_MAX_SLOTNPAGES`: slot and block numbers must fit 32 bits. */
const MAX_SLOTNPAGES = Math.floor(0xffffffff / (NDB_PAGE_SIZE / NDB_BLK_SIZE));

interface Slot {
  pkgidx: number;
  blkoff: number;
  blkcnt: number;
}

/**
 * Yields every header blob of an NDB `Packages.db`, by package index.
 * @example for (const item of readNdb(await file.read())) if (item.kind === 'record') parseHeader(item.blob);
 */
export function* readNdb(data: Buffer): Generator<DbItem> {
  if (data.length < NDB_HEADER_SIZE) {
    yield problem('CATALOG_RPM_DB_CORRUPT', `file is ${data.length} bytes, shorter than the NDB header`);
    return;
  }
  if (data.readUInt32LE(0) !== NDB_PKGDB_MAGIC) {
    yield problem('CATALOG_RPM_DB_CORRUPT', 'no NDB magic "RpmP" at offset 0');
    return;
  }
  const version = data.readUInt32LE(4);
  if (version !== NDB_VERSION) {
    yield problem('CATALOG_RPM_DB_UNSUPPORTED', `NDB version ${version} (supported: ${NDB_VERSION})`);
    return;
  }
  if (data.length % NDB_BLK_SIZE !== 0) {
    yield problem(
      'CATALOG_RPM_DB_CORRUPT',
      `file size ${data.length} is not a multiple of ${NDB_BLK_SIZE} (truncated)`,
    );
  }
  const slots = yield* withoutOverlaps(yield* readSlots(data, data.readUInt32LE(12)));
  for (const slot of slots.sort((a, b) => a.pkgidx - b.pkgidx)) {
    const blob = readBlob(data, slot);
    yield typeof blob === 'string'
      ? problem('CATALOG_RPM_RECORD_CORRUPT', `record ${slot.pkgidx}: ${blob}`, slot.pkgidx)
      : { kind: 'record', recordNumber: slot.pkgidx, blob };
  }
}

/**
 * Drops slots whose blocks overlap an earlier slot's, or that repeat a package index (rpmpkg.c
 * `rpmpkgFindEmptyOffset`: "eek, slots overlap!"). Besides mirroring rpm, this bounds the checksum work
 * to one pass over the file.
 */
function* withoutOverlaps(slots: Slot[]): Generator<DbItem, Slot[]> {
  const out: Slot[] = [];
  const seen = new Set<number>();
  let end = 0;
  for (const slot of [...slots].sort((a, b) => a.blkoff - b.blkoff)) {
    const why = seen.has(slot.pkgidx)
      ? 'a second slot for the same package'
      : slot.blkoff < end
        ? 'blocks overlap another blob'
        : '';
    if (why !== '') {
      yield problem('CATALOG_RPM_RECORD_CORRUPT', `record ${slot.pkgidx}: ${why}`, slot.pkgidx);
      continue;
    }
    seen.add(slot.pkgidx);
    end = slot.blkoff + slot.blkcnt;
    out.push(slot);
  }
  return out;
}

/** Reads the used slots; bad slots become problems (rpm refuses the whole database for them). */
function* readSlots(data: Buffer, slotnpages: number): Generator<DbItem, Slot[]> {
  if (slotnpages === 0 || slotnpages > MAX_SLOTNPAGES) {
    yield problem('CATALOG_RPM_DB_CORRUPT', `slot page count ${slotnpages} out of range`);
    return [];
  }
  const slotEnd = slotnpages * NDB_PAGE_SIZE;
  if (slotEnd > data.length) {
    yield problem(
      'CATALOG_RPM_DB_CORRUPT',
      `${slotnpages} slot pages do not fit ${data.length} bytes (truncated)`,
    );
  }
  const fileBlocks = Math.floor(data.length / NDB_BLK_SIZE);
  const minBlkoff = slotEnd / NDB_BLK_SIZE;
  const slots: Slot[] = [];
  const end = Math.min(slotEnd, data.length - (data.length % NDB_SLOT_SIZE));
  for (let at = NDB_HEADER_SIZE; at < end; at += NDB_SLOT_SIZE) {
    if (data.readUInt32LE(at) !== NDB_SLOT_MAGIC) {
      yield problem(
        'CATALOG_RPM_DB_CORRUPT',
        `slot at offset ${at} has no "Slot" magic; later slots skipped`,
      );
      break;
    }
    const slot = {
      pkgidx: data.readUInt32LE(at + 4),
      blkoff: data.readUInt32LE(at + 8),
      blkcnt: data.readUInt32LE(at + 12),
    };
    if (slot.blkoff === 0) continue;
    if (
      slot.pkgidx === 0 ||
      slot.blkcnt === 0 ||
      slot.blkoff < minBlkoff ||
      slot.blkoff + slot.blkcnt > fileBlocks
    ) {
      const why = `slot at offset ${at} points at blocks ${slot.blkoff}+${slot.blkcnt}, outside ${minBlkoff}..${fileBlocks}`;
      yield problem('CATALOG_RPM_RECORD_CORRUPT', `record ${slot.pkgidx}: ${why}`, slot.pkgidx);
      continue;
    }
    slots.push(slot);
  }
  return slots;
}

/** The blob of one slot after rpm's head, length, tail and adler32 checks, or why it fails them. */
function readBlob(data: Buffer, slot: Slot): Buffer | string {
  const start = slot.blkoff * NDB_BLK_SIZE;
  const size = slot.blkcnt * NDB_BLK_SIZE;
  if (size < NDB_BLOBHEAD_SIZE + NDB_BLOBTAIL_SIZE) return `${slot.blkcnt} blocks cannot hold a blob`;
  if (data.readUInt32LE(start) !== NDB_BLOBHEAD_MAGIC) return 'blob has no "BlbS" head magic';
  const pkgidx = data.readUInt32LE(start + 4);
  if (pkgidx !== slot.pkgidx) return `blob belongs to package ${pkgidx}`;
  const bloblen = data.readUInt32LE(start + 12);
  if (ndbBlockCount(bloblen) !== slot.blkcnt)
    return `blob length ${bloblen} does not fill ${slot.blkcnt} blocks`;
  const tail = start + size - NDB_BLOBTAIL_SIZE;
  if (data.readUInt32LE(tail + 8) !== NDB_BLOBTAIL_MAGIC) return 'blob has no "BlbE" tail magic';
  if (data.readUInt32LE(tail + 4) !== bloblen)
    return `blob tail length ${data.readUInt32LE(tail + 4)} ≠ ${bloblen}`;
  const sum = adler32(data.subarray(start, tail));
  if (data.readUInt32LE(tail) !== sum) return 'blob adler32 checksum mismatch';
  return data.subarray(start + NDB_BLOBHEAD_SIZE, start + NDB_BLOBHEAD_SIZE + bloblen);
}

/** Blocks a blob of `bloblen` bytes occupies with its head and tail (rpmpkg.c `rpmpkgPutInternal`). */
function ndbBlockCount(bloblen: number): number {
  return Math.ceil((NDB_BLOBHEAD_SIZE + bloblen + NDB_BLOBTAIL_SIZE) / NDB_BLK_SIZE);
}

/** Largest byte run before the sums must be reduced (RFC 1950 §9, zlib `NMAX`). */
const ADLER_NMAX = 5552;
const ADLER_MOD = 65521;

/** Adler-32 (RFC 1950 §8.2), as rpmpkg.c `update_adler32` computes it from the initial value 1. */
export function adler32(bytes: Uint8Array): number {
  let s1 = 1;
  let s2 = 0;
  for (let i = 0; i < bytes.length;) {
    const stop = Math.min(bytes.length, i + ADLER_NMAX);
    for (; i < stop; i++) {
      s1 += bytes[i]!;
      s2 += s1;
    }
    s1 %= ADLER_MOD;
    s2 %= ADLER_MOD;
  }
  return ((s2 << 16) | s1) >>> 0;
}
