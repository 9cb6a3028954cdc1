/**
 * Parses one rpm header blob as the rpmdb stores it (every backend stores the same blob).
 *
 * Layout (rpm docs/manual/format_header.md, lib/header.cc), all integers big-endian:
 *
 *     il: u32  dl: u32  entries[il]: { tag: u32, type: u32, offset: i32, count: u32 }  data[dl]
 *
 * An installed header usually starts with a region entry (HEADERIMMUTABLE, tag 63, type BIN, count 16)
 * whose offset points at a 16-byte trailer in the data: a copy of the entry with the negated size of the
 * region's index (`-ril * 16`). Entries after the region ("dribbles", e.g. INSTALLTIME) may override tags
 * inside it; the last one wins.
 *
 * Every check of rpm's `hdrblobVerifyLengths`, `hdrblobVerifyRegion` and `hdrblobVerifyInfo` is applied,
 * because rpm skips a header that fails them (`rpmdb: damaged header #N retrieved -- skipping`): a blob
 * rpm would not list is not a package either.
 */

/** Header tag numbers (rpm include/rpm/rpmtag.h). */
export const RpmTag = {
  HEADERIMAGE: 61,
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
  I18NTABLE: 100,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

/** Data types (rpm include/rpm/header.h `rpmTagType_e`). */
export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** Fixed element sizes per type; -1 marks NUL-terminated strings (lib/header.cc `typeSizes`). */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, -1, 1, -1, -1] as const;
/** Required data alignment per type (lib/header.cc `typeAlign`). */
const TYPE_ALIGN = [1, 1, 1, 2, 4, 8, 1, 1, 1, 1] as const;

/** lib/header.cc: `HEADER_TAGS_MAX`, `HEADER_DATA_MAX`, `HEADER_ARRAY_MAX`. */
const HEADER_TAGS_MAX = 0xffff;
const HEADER_DATA_MAX = 0x0fffffff;
const HEADER_ARRAY_MAX = 0xfffff;
const PREAMBLE_BYTES = 8;
const ENTRY_BYTES = 16;
/** A region entry: type BIN, count 16 (its trailer is one index entry). */
const REGION_TAG_COUNT = ENTRY_BYTES;
const REGION_TAGS: ReadonlySet<number> = new Set([
  RpmTag.HEADERIMAGE,
  RpmTag.HEADERSIGNATURES,
  RpmTag.HEADERIMMUTABLE,
]);

/** The facts of an installed package that the catalog needs. */
export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  /** Absent when the package has no EPOCH tag (rpm's `%{EPOCHNUM}` prints 0 then). */
  epoch?: number;
  /** Absent only for pseudo-packages such as `gpg-pubkey`. */
  arch?: string;
  /** `name-version-release.src.rpm`. */
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  /** `name:stream:version:context` for packages from a modular repository (RHEL/Rocky 8+ AppStreams). */
  modularityLabel?: string;
  /** Installed size in bytes (LONGSIZE when present, else SIZE). */
  size?: number;
  /** Paths the package installed: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i] (or OLDFILENAMES). */
  files: string[];
}

export type HeaderParseResult = { ok: true; header: RpmHeader } | { ok: false; reason: string };

interface Entry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** Internal control flow: thrown by bounds checks, caught in {@link parseHeader}. */
class HeaderCorrupt extends Error {}

function fail(reason: string): never {
  throw new HeaderCorrupt(reason);
}

/**
 * Parses a header blob; never throws on bad input.
 * @example
 * const r = parseHeader(blob);
 * if (r.ok) console.log(r.header.name, r.header.version); else console.log(r.reason);
 */
export function parseHeader(blob: Buffer): HeaderParseResult {
  try {
    const reader = new HeaderReader(blob);
    return { ok: true, header: reader.header() };
  } catch (err) {
    if (err instanceof HeaderCorrupt) return { ok: false, reason: err.message };
    throw err;
  }
}

class HeaderReader {
  readonly #blob: Buffer;
  readonly #dl: number;
  readonly #dataStart: number;
  readonly #byTag = new Map<number, Entry>();

  constructor(blob: Buffer) {
    if (blob.length < PREAMBLE_BYTES) fail(`blob of ${blob.length} bytes is shorter than its preamble`);
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il < 1 || il > HEADER_TAGS_MAX) fail(`index count ${il} out of range 1..${HEADER_TAGS_MAX}`);
    if (dl > HEADER_DATA_MAX) fail(`data length ${dl} above ${HEADER_DATA_MAX}`);
    const expected = PREAMBLE_BYTES + il * ENTRY_BYTES + dl;
    if (blob.length !== expected) fail(`blob is ${blob.length} bytes, its il=${il} dl=${dl} say ${expected}`);
    this.#blob = blob;
    this.#dl = dl;
    this.#dataStart = PREAMBLE_BYTES + il * ENTRY_BYTES;
    const entries = Array.from({ length: il }, (_, i) => this.#entryAt(i));
    const regionEnd = this.#verifyRegion(entries);
    this.#verifyEntries(regionEnd > 0 ? entries.slice(1) : entries, regionEnd);
    for (const e of entries) this.#byTag.set(e.tag, e);
  }

  header(): RpmHeader {
    const name = this.#string(RpmTag.NAME);
    const version = this.#string(RpmTag.VERSION);
    const release = this.#string(RpmTag.RELEASE);
    if (name === undefined || name === '') fail('no NAME tag');
    if (version === undefined) fail(`${name}: no VERSION tag`);
    if (release === undefined) fail(`${name}: no RELEASE tag`);
    const epoch = this.#ints(RpmTag.EPOCH)?.[0];
    const size = this.#ints(RpmTag.LONGSIZE)?.[0] ?? this.#ints(RpmTag.SIZE)?.[0];
    const optional = {
      arch: this.#string(RpmTag.ARCH),
      sourceRpm: this.#string(RpmTag.SOURCERPM),
      license: this.#string(RpmTag.LICENSE),
      vendor: this.#string(RpmTag.VENDOR),
      modularityLabel: this.#string(RpmTag.MODULARITYLABEL),
    };
    const header: RpmHeader = { name, version, release, files: this.#files() };
    if (epoch !== undefined) header.epoch = epoch;
    if (size !== undefined) header.size = size;
    for (const [k, v] of Object.entries(optional) as [keyof typeof optional, string | undefined][]) {
      if (v !== undefined && v !== '') header[k] = v;
    }
    return header;
  }

  #entryAt(i: number): Entry {
    const at = PREAMBLE_BYTES + i * ENTRY_BYTES;
    return {
      tag: this.#blob.readUInt32BE(at),
      type: this.#blob.readUInt32BE(at + 4),
      offset: this.#blob.readInt32BE(at + 8),
      count: this.#blob.readUInt32BE(at + 12),
    };
  }

  /** rpm `hdrblobVerifyRegion`: returns the region's data end (`rdl`), or 0 without a region. */
  #verifyRegion(entries: readonly Entry[]): number {
    const first = entries[0]!;
    if (!REGION_TAGS.has(first.tag)) return 0;
    if (first.type !== RpmType.BIN || first.count !== REGION_TAG_COUNT) {
      fail(`region tag ${first.tag}: type ${first.type} count ${first.count}, want BIN/16`);
    }
    if (first.offset < 0 || first.offset + REGION_TAG_COUNT > this.#dl) {
      fail(`region tag ${first.tag}: trailer offset ${first.offset} outside data of ${this.#dl} bytes`);
    }
    const at = this.#dataStart + first.offset;
    const trailer = {
      tag: this.#blob.readUInt32BE(at),
      type: this.#blob.readUInt32BE(at + 4),
      size: -this.#blob.readInt32BE(at + 8),
      count: this.#blob.readUInt32BE(at + 12),
    };
    if (trailer.tag !== first.tag || trailer.type !== RpmType.BIN || trailer.count !== REGION_TAG_COUNT) {
      fail(`region trailer: tag ${trailer.tag} type ${trailer.type} count ${trailer.count}`);
    }
    const ril = trailer.size / ENTRY_BYTES;
    if (!Number.isInteger(ril) || ril < 0 || ril > entries.length) {
      fail(`region size ${trailer.size} does not fit ${entries.length} index entries`);
    }
    return first.offset + REGION_TAG_COUNT;
  }

  /** rpm `hdrblobVerifyInfo`: each entry's type, count, alignment and data range; no overlaps. */
  #verifyEntries(entries: readonly Entry[], regionEnd: number): void {
    let end = 0;
    for (const e of entries) {
      const where = `tag ${e.tag}`;
      if (e.offset < 0 || e.offset > this.#dl)
        fail(`${where}: offset ${e.offset} outside data of ${this.#dl} bytes`);
      if (e.offset < end) fail(`${where}: data at ${e.offset} overlaps the previous entry (ends at ${end})`);
      if (e.tag < RpmTag.I18NTABLE) fail(`${where}: tag number below ${RpmTag.I18NTABLE}`);
      if (e.type > RpmType.I18NSTRING) fail(`${where}: unknown type ${e.type}`);
      if (e.count < 1 || e.count > this.#dl) fail(`${where}: count ${e.count} out of range`);
      if (e.offset % TYPE_ALIGN[e.type as RpmTypeValue] !== 0)
        fail(`${where}: misaligned offset ${e.offset}`);
      if (e.type !== RpmType.BIN && e.count > HEADER_ARRAY_MAX) fail(`${where}: count ${e.count} too large`);
      const len = this.#dataLength(e);
      end = e.offset + len;
      if (end > this.#dl || len <= 0) fail(`${where}: ${len} data bytes do not fit`);
      if (regionEnd > 0 && end > regionEnd - REGION_TAG_COUNT && e.offset < regionEnd) {
        fail(`${where}: data overlaps the region trailer`);
      }
    }
  }

  /** rpm `dataLength` for on-disk data: strings must be NUL-terminated inside the data. */
  #dataLength(e: Entry): number {
    const size = TYPE_SIZES[e.type as RpmTypeValue];
    if (size >= 0) return size * e.count;
    if (e.type === RpmType.STRING && e.count !== 1) fail(`tag ${e.tag}: STRING with count ${e.count}`);
    const dataEnd = this.#dataStart + this.#dl;
    let at = this.#dataStart + e.offset;
    for (let i = 0; i < e.count; i++) {
      const nul = this.#blob.indexOf(0, at);
      if (nul < 0 || nul >= dataEnd) fail(`tag ${e.tag}: string ${i + 1} of ${e.count} is not terminated`);
      at = nul + 1;
    }
    return at - (this.#dataStart + e.offset);
  }

  #strings(tag: number): string[] | undefined {
    const e = this.#byTag.get(tag);
    if (!e) return undefined;
    if (e.type !== RpmType.STRING && e.type !== RpmType.STRING_ARRAY && e.type !== RpmType.I18NSTRING) {
      fail(`tag ${tag}: type ${e.type} where a string was expected`);
    }
    const out: string[] = [];
    let at = this.#dataStart + e.offset;
    for (let i = 0; i < e.count; i++) {
      const nul = this.#blob.indexOf(0, at);
      out.push(this.#blob.toString('utf8', at, nul));
      at = nul + 1;
    }
    return out;
  }

  /** The first string of a STRING / I18NSTRING tag (the C locale for I18N). */
  #string(tag: number): string | undefined {
    return this.#strings(tag)?.[0];
  }

  #ints(tag: number): number[] | undefined {
    const e = this.#byTag.get(tag);
    if (!e) return undefined;
    const at = this.#dataStart + e.offset;
    const read = (i: number): number => {
      switch (e.type) {
        case RpmType.INT16:
          return this.#blob.readUInt16BE(at + 2 * i);
        case RpmType.INT32:
          return this.#blob.readUInt32BE(at + 4 * i);
        case RpmType.INT64:
          return Number(this.#blob.readBigUInt64BE(at + 8 * i));
        default:
          return fail(`tag ${tag}: type ${e.type} where an integer was expected`);
      }
    };
    return Array.from({ length: e.count }, (_, i) => read(i));
  }

  #files(): string[] {
    const basenames = this.#strings(RpmTag.BASENAMES);
    if (!basenames) return this.#strings(RpmTag.OLDFILENAMES) ?? [];
    const dirnames = this.#strings(RpmTag.DIRNAMES) ?? [];
    const dirindexes = this.#ints(RpmTag.DIRINDEXES) ?? [];
    if (dirindexes.length !== basenames.length) {
      fail(`${basenames.length} BASENAMES but ${dirindexes.length} DIRINDEXES`);
    }
    return basenames.map((base, i) => {
      const dir = dirnames[dirindexes[i]!];
      if (dir === undefined) fail(`DIRINDEXES[${i}] = ${dirindexes[i]} but only ${dirnames.length} DIRNAMES`);
      return dir + base;
    });
  }
}

type RpmTypeValue = (typeof RpmType)[keyof typeof RpmType];
