/**
 * A minimal, defensive ELF reader: the header, the section table (with names) and the program headers,
 * enough to find a named section (`.go.buildinfo`, `.dep-v0`) and to map a virtual address to file
 * bytes. Every offset is checked against the buffer: hostile files yield `{ kind: 'invalid' }`, never
 * an exception or an out-of-range read.
 *
 * ref. System V ABI, "Object Files" (gABI 4.1): https://www.sco.com/developers/gabi/latest/ch4.eheader.html
 * (ELF header, extended section numbering), ch4.sheader.html (section header), ch5.pheader.html (program header).
 */

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const EI_CLASS = 4;
const EI_DATA = 5;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
/** `e_shnum`/`e_shstrndx`/`e_phnum` values meaning "the real value is in section 0". */
const SHN_UNDEF = 0;
const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;
/** Section type whose data occupies no file bytes (`.bss`). */
export const SHT_NOBITS = 8;
export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
/** Far above any real binary (Go binaries have ~40 sections), low enough to bound the work. */
const MAX_TABLE_ENTRIES = 65_536;
const MAX_SECTION_NAME = 256;

export interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export interface ElfFile {
  bits: 32 | 64;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export type ElfParse =
  { kind: 'not-elf' } | { kind: 'invalid'; reason: string } | { kind: 'elf'; elf: ElfFile };

/** Whether `buf` starts with the ELF magic (`\x7fELF`). */
export function isElf(buf: Buffer): boolean {
  return buf.length >= ELF_MAGIC.length && buf.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC);
}

/** Bounds-checked, endian- and class-aware field reads. Throws {@link RangeError} when out of bounds. */
class FieldReader {
  constructor(
    readonly buf: Buffer,
    readonly bits: 32 | 64,
    readonly le: boolean,
  ) {}

  u16(at: number): number {
    return this.le ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  u32(at: number): number {
    return this.le ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  /** A 64-bit field as a number; values past 2^53 cannot address a Buffer and are rejected. */
  u64(at: number): number {
    const v = this.le ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`64-bit field at ${at} is out of range`);
    return Number(v);
  }

  /** An address-sized field (`Elf32_Addr`/`Elf64_Off`…). */
  word(at: number): number {
    return this.bits === 64 ? this.u64(at) : this.u32(at);
  }
}

interface Header {
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

function readHeader(r: FieldReader): Header {
  const w = r.bits === 64 ? 8 : 4;
  // e_type(2) e_machine(2) e_version(4) e_entry(w) e_phoff(w) e_shoff(w) e_flags(4) e_ehsize(2) …
  const phoffAt = 24 + w;
  const shoffAt = phoffAt + w;
  const afterFlags = shoffAt + w + 4 + 2;
  return {
    phoff: r.word(phoffAt),
    shoff: r.word(shoffAt),
    phentsize: r.u16(afterFlags),
    phnum: r.u16(afterFlags + 2),
    shentsize: r.u16(afterFlags + 4),
    shnum: r.u16(afterFlags + 6),
    shstrndx: r.u16(afterFlags + 8),
  };
}

interface RawSection {
  nameOffset: number;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
}

/**
 * Byte offsets of the `Elf32_Shdr`/`Elf64_Shdr` fields read (gABI ch4.sheader). `sh_name` (0) and
 * `sh_type` (4) sit at the same place in both classes; `addr`, `offset` and `size` are address-sized.
 */
const SECTION_FIELDS = {
  32: { addr: 12, offset: 16, size: 20, link: 24, info: 28 },
  64: { addr: 16, offset: 24, size: 32, link: 40, info: 44 },
} as const;

function readRawSection(r: FieldReader, at: number): RawSection {
  const f = SECTION_FIELDS[r.bits];
  return {
    nameOffset: r.u32(at),
    type: r.u32(at + 4),
    addr: r.word(at + f.addr),
    offset: r.word(at + f.offset),
    size: r.word(at + f.size),
    link: r.u32(at + f.link),
    info: r.u32(at + f.info),
  };
}

/**
 * Byte offsets of the `Elf32_Phdr`/`Elf64_Phdr` fields read (gABI ch5.pheader). `p_type` (0) leads in
 * both classes; `p_flags` moved up in the 64-bit layout; `offset`, `vaddr` and `filesz` are address-sized.
 */
const SEGMENT_FIELDS = {
  32: { flags: 24, offset: 4, vaddr: 8, filesz: 16 },
  64: { flags: 4, offset: 8, vaddr: 16, filesz: 32 },
} as const;

function readSegment(r: FieldReader, at: number): ElfSegment {
  const f = SEGMENT_FIELDS[r.bits];
  return {
    type: r.u32(at),
    flags: r.u32(at + f.flags),
    offset: r.word(at + f.offset),
    vaddr: r.word(at + f.vaddr),
    filesz: r.word(at + f.filesz),
  };
}

const minEntSize = (bits: 32 | 64, kind: 'section' | 'segment'): number =>
  kind === 'section' ? (bits === 64 ? 64 : 40) : bits === 64 ? 56 : 32;

function checkTable(
  buf: Buffer,
  off: number,
  count: number,
  entsize: number,
  min: number,
  what: string,
): string | undefined {
  if (count === 0) return undefined;
  if (count > MAX_TABLE_ENTRIES) return `${count} ${what} entries (more than ${MAX_TABLE_ENTRIES})`;
  if (entsize < min) return `${what} entry size ${entsize} is below ${min}`;
  if (off + count * entsize > buf.length)
    return `${what} table (${count} × ${entsize} at ${off}) runs past the end of the file`;
  return undefined;
}

function sectionName(buf: Buffer, strtab: RawSection | undefined, nameOffset: number): string {
  if (!strtab || strtab.type === SHT_NOBITS || nameOffset >= strtab.size) return '';
  const start = strtab.offset + nameOffset;
  const end = Math.min(start + MAX_SECTION_NAME, strtab.offset + strtab.size, buf.length);
  if (start >= end) return '';
  const nul = buf.indexOf(0, start);
  return buf.toString('latin1', start, nul < 0 || nul > end ? end : nul);
}

/** Section and program header counts, resolving extended numbering from section 0. */
function tableCounts(r: FieldReader, h: Header): { shnum: number; shstrndx: number; phnum: number } {
  let { shnum, shstrndx, phnum } = h;
  const needZero = (shnum === SHN_UNDEF && h.shoff !== 0) || shstrndx === SHN_XINDEX || phnum === PN_XNUM;
  if (needZero && h.shoff + minEntSize(r.bits, 'section') <= r.buf.length) {
    const zero = readRawSection(r, h.shoff);
    if (shnum === SHN_UNDEF && h.shoff !== 0) shnum = zero.size;
    if (shstrndx === SHN_XINDEX) shstrndx = zero.link;
    if (phnum === PN_XNUM) phnum = zero.info;
  }
  return { shnum, shstrndx, phnum };
}

function parseTables(r: FieldReader): ElfFile | string {
  const h = readHeader(r);
  const { shnum, shstrndx, phnum } = tableCounts(r, h);
  const bad =
    checkTable(r.buf, h.shoff, shnum, h.shentsize, minEntSize(r.bits, 'section'), 'section header') ??
    checkTable(r.buf, h.phoff, phnum, h.phentsize, minEntSize(r.bits, 'segment'), 'program header');
  if (bad) return bad;
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) raw.push(readRawSection(r, h.shoff + i * h.shentsize));
  const strtab = raw[shstrndx];
  const sections = raw.map((s) => ({
    name: sectionName(r.buf, strtab, s.nameOffset),
    type: s.type,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
  }));
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) segments.push(readSegment(r, h.phoff + i * h.phentsize));
  return { bits: r.bits, littleEndian: r.le, sections, segments };
}

/**
 * Parses the ELF header, section table and program headers of `buf`.
 * @example
 * const p = parseElf(await file.read());
 * if (p.kind === 'elf') sectionData(buf, p.elf, '.go.buildinfo');
 */
export function parseElf(buf: Buffer): ElfParse {
  if (!isElf(buf)) return { kind: 'not-elf' };
  const cls = buf[EI_CLASS];
  const data = buf[EI_DATA];
  if ((cls !== ELFCLASS32 && cls !== ELFCLASS64) || (data !== ELFDATA2LSB && data !== ELFDATA2MSB)) {
    return { kind: 'invalid', reason: `unknown ELF class ${cls} or data encoding ${data}` };
  }
  const r = new FieldReader(buf, cls === ELFCLASS64 ? 64 : 32, data === ELFDATA2LSB);
  try {
    const out = parseTables(r);
    return typeof out === 'string' ? { kind: 'invalid', reason: out } : { kind: 'elf', elf: out };
  } catch (err) {
    // Only our bounds checks throw here (RangeError from Buffer reads): the file is truncated.
    if (err instanceof RangeError)
      return { kind: 'invalid', reason: `truncated ELF headers: ${err.message}` };
    throw err;
  }
}

/** The first section called `name`. */
export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/**
 * The file bytes of section `name` (a view into `buf`, not a copy), `undefined` when absent, or
 * `'out-of-range'` when its extent lies outside the file. SHT_NOBITS sections have no bytes.
 */
export function sectionData(buf: Buffer, elf: ElfFile, name: string): Buffer | 'out-of-range' | undefined {
  const s = findSection(elf, name);
  if (!s) return undefined;
  if (s.type === SHT_NOBITS) return Buffer.alloc(0);
  if (s.offset + s.size > buf.length) return 'out-of-range';
  return buf.subarray(s.offset, s.offset + s.size);
}

/**
 * Up to `length` file bytes at virtual address `vaddr`, found through the PT_LOAD segments (the bytes a
 * loader maps there). `undefined` when no segment maps the address to file bytes.
 */
export function readAtAddress(buf: Buffer, elf: ElfFile, vaddr: number, length: number): Buffer | undefined {
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD || vaddr < p.vaddr || vaddr >= p.vaddr + p.filesz) continue;
    const start = p.offset + (vaddr - p.vaddr);
    const end = Math.min(start + length, p.offset + p.filesz, buf.length);
    return start < end ? buf.subarray(start, end) : undefined;
  }
  return undefined;
}
