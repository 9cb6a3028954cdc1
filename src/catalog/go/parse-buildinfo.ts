/**
 * Reads the build-info blob the Go linker writes into every binary built by Go ≥ 1.13: the toolchain
 * version (`runtime.buildVersion`) and the module info text (`runtime/debug.BuildInfo`).
 *
 * ref. Go `src/debug/buildinfo/buildinfo.go` (the reader this follows) and
 * `src/cmd/link/internal/ld/data.go` (`buildinfo`, the writer): a 32-byte header, 16-byte aligned, in
 * section `.go.buildinfo` (ELF) or else at the start of the first writable, non-executable PT_LOAD segment:
 *
 *     [0:14]  "\xff Go buildinf:"
 *     [14]    pointer size (4 or 8)
 *     [15]    flags: bit 0 = big endian (pointer format), bit 1 = inline strings (Go ≥ 1.18)
 *     [16:32] pointer format: addresses of two Go string headers {ptr, len}: buildVersion, modinfo
 *     [32:]   inline format: two uvarint-length-prefixed strings: buildVersion, modinfo
 *
 * The modinfo string is framed by two 16-byte sentinels (`cmd/go/internal/modload.infoStart/infoEnd`).
 */
import { type ElfFile, PF_W, PF_X, PT_LOAD, readAtAddress, sectionData } from '../elf/index.js';

const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const BUILDINFO_ALIGN = 16;
const BUILDINFO_HEADER_SIZE = 32;
const FLAG_BIG_ENDIAN = 1;
const FLAG_INLINE_STRINGS = 2;
/** How far into the data start Go's own reader looks for the header. */
const DATA_SEARCH_BYTES = 64 * 1024;
/** Length of each sentinel framing the modinfo text. */
const MODINFO_SENTINEL_BYTES = 16;
/** Real modinfo is a few KiB (a line per dependency); anything past this is not build info. */
const MAX_STRING_BYTES = 4 * 1024 * 1024;

export interface GoBuildInfo {
  /** `runtime.buildVersion`, e.g. `go1.21.3`, `go1.22rc1`, `go1.21.0 X:loopvar`. */
  goVersion: string;
  /** The module info text without its sentinels; empty for binaries built outside module mode. */
  modinfo: string;
}

export type BuildInfoResult =
  { kind: 'none' } | { kind: 'invalid'; reason: string } | { kind: 'found'; info: GoBuildInfo };

/** Where Go's reader starts looking: `.go.buildinfo`, else the first writable non-executable PT_LOAD. */
function dataStart(buf: Buffer, elf: ElfFile): Buffer | 'out-of-range' | undefined {
  const section = sectionData(buf, elf, '.go.buildinfo');
  if (section !== undefined)
    return section === 'out-of-range' ? section : section.subarray(0, DATA_SEARCH_BYTES);
  const seg = elf.segments.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W);
  return seg ? readAtAddress(buf, elf, seg.vaddr, DATA_SEARCH_BYTES) : undefined;
}

/** The first 16-byte-aligned magic with a full header after it. */
function findHeader(data: Buffer): Buffer | undefined {
  let from = 0;
  for (;;) {
    const i = data.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0 || data.length - i < BUILDINFO_HEADER_SIZE) return undefined;
    if (i % BUILDINFO_ALIGN === 0) return data.subarray(i);
    from = i + 1;
  }
}

/** An unsigned LEB128 varint (`encoding/binary.Uvarint`), bounded to safe integers. */
function readUvarint(data: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < data.length && i < at + 8; i++) {
    const b = data[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

function inlineStrings(header: Buffer): [string, string] | string {
  const out: string[] = [];
  let at = BUILDINFO_HEADER_SIZE;
  for (const what of ['version', 'modinfo']) {
    const len = readUvarint(header, at);
    if (!len || len.value > MAX_STRING_BYTES || len.next + len.value > header.length) {
      return `inline ${what} string runs past the build info data`;
    }
    out.push(header.toString('utf8', len.next, len.next + len.value));
    at = len.next + len.value;
  }
  return [out[0]!, out[1]!];
}

function pointerStrings(buf: Buffer, elf: ElfFile, header: Buffer): [string, string] | string {
  const ptrSize = header[14];
  if (ptrSize !== 4 && ptrSize !== 8) return `pointer size ${ptrSize} is neither 4 nor 8`;
  const big = (header[15]! & FLAG_BIG_ENDIAN) !== 0;
  const readPtr = (b: Buffer, at: number): number => {
    if (ptrSize === 4) return big ? b.readUInt32BE(at) : b.readUInt32LE(at);
    const v = big ? b.readBigUInt64BE(at) : b.readBigUInt64LE(at);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  };
  const readString = (addr: number): string | undefined => {
    const hdr = readAtAddress(buf, elf, addr, 2 * ptrSize);
    if (!hdr || hdr.length < 2 * ptrSize) return undefined;
    const [ptr, len] = [readPtr(hdr, 0), readPtr(hdr, ptrSize)];
    if (ptr < 0 || len < 0 || len > MAX_STRING_BYTES) return undefined;
    const data = len === 0 ? Buffer.alloc(0) : readAtAddress(buf, elf, ptr, len);
    return data && data.length === len ? data.toString('utf8') : undefined;
  };
  const version = readString(readPtr(header, 16));
  const modinfo = readString(readPtr(header, 16 + ptrSize));
  if (version === undefined || modinfo === undefined)
    return 'a build info string pointer does not map into the file';
  return [version, modinfo];
}

/** Strips the sentinels, as Go's reader does: anything not framed that way is "no module info". */
function unframe(mod: string): string {
  const framed =
    mod.length >= 2 * MODINFO_SENTINEL_BYTES + 1 && mod[mod.length - MODINFO_SENTINEL_BYTES - 1] === '\n';
  return framed ? mod.slice(MODINFO_SENTINEL_BYTES, mod.length - MODINFO_SENTINEL_BYTES) : '';
}

/**
 * Finds and decodes the build info of an ELF Go binary.
 * @example
 * readBuildInfo(buf, elf) // { kind: 'found', info: { goVersion: 'go1.19.8', modinfo: 'path\texample.com/app\n…' } }
 */
export function readBuildInfo(buf: Buffer, elf: ElfFile): BuildInfoResult {
  const data = dataStart(buf, elf);
  if (data === 'out-of-range')
    return { kind: 'invalid', reason: 'section .go.buildinfo lies outside the file' };
  const header = data && findHeader(data);
  if (!header) return { kind: 'none' };
  const strings =
    (header[15]! & FLAG_INLINE_STRINGS) !== 0 ? inlineStrings(header) : pointerStrings(buf, elf, header);
  if (typeof strings === 'string') return { kind: 'invalid', reason: strings };
  const [goVersion, mod] = strings;
  // Go's reader treats an empty version as "not a Go executable"; a magic was found, so say so.
  if (goVersion === '') return { kind: 'invalid', reason: 'build info has an empty Go version' };
  return { kind: 'found', info: { goVersion, modinfo: unframe(mod) } };
}
