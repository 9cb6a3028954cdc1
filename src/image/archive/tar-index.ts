/**
 * Random access into an uncompressed tar file: one pass over the headers (seeking past bodies) records
 * where each member's body lies, so `docker save` / OCI archives are read in place without extracting.
 * tar-stream only parses sequentially, hence this small indexer over the same POSIX ustar/pax/GNU format.
 * ref. https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../errors.js';
import { normaliseEntryName } from '../layer/paths.js';

const BLOCK = 512;

export interface TarMember {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  offset: number;
  size: number;
  linkname?: string;
}

export interface TarIndexLimits {
  maxMembers: number;
}

/** Indexes the members of a tar file by normalised path (`/manifest.json`). Later duplicates win. */
export async function indexTar(path: string, limits: TarIndexLimits): Promise<Map<string, TarMember>> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    return await scan(fh, fileSize, path, limits);
  } finally {
    await fh.close();
  }
}

async function scan(
  fh: FileHandle,
  fileSize: number,
  path: string,
  limits: TarIndexLimits,
): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    if (pos + BLOCK > fileSize) throw corrupt(path, `truncated at byte ${pos} (no end-of-archive marker)`);
    await readExactly(fh, header, pos);
    if (header.every((b) => b === 0)) return members;
    if (!checksumOk(header)) throw corrupt(path, `bad header checksum at byte ${pos}`);
    const size = parseNumber(header.subarray(124, 136));
    const typeflag = String.fromCharCode(header[156] ?? 0x30);
    const bodyAt = pos + BLOCK;
    if (size < 0 || bodyAt + size > fileSize)
      throw corrupt(path, `member at byte ${pos} claims ${size} bytes past the end of the file`);
    pos = bodyAt + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x') {
      const meta = await readBody(fh, bodyAt, size, path);
      if (typeflag === 'L') longName = cString(meta);
      else if (typeflag === 'K') longLink = cString(meta);
      else pax = parsePax(meta);
      continue;
    }
    if (typeflag === 'g') continue;
    const rawName = pax.path ?? longName ?? ustarName(header);
    const linkname = pax.linkpath ?? longLink ?? cString(header.subarray(157, 257));
    const memberSize = pax.size !== undefined ? Number(pax.size) : size;
    longName = longLink = undefined;
    pax = {};
    const norm = normaliseEntryName(rawName);
    if (!norm.ok) continue;
    if (members.size >= limits.maxMembers) throw corrupt(path, `more than ${limits.maxMembers} members`);
    members.set(norm.path, {
      name: norm.path,
      type: memberType(typeflag),
      offset: bodyAt,
      size: memberSize,
      ...(linkname && { linkname }),
    });
  }
}

async function readExactly(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  const { bytesRead } = await fh.read(buf, 0, buf.length, position);
  if (bytesRead !== buf.length) throw new Error(`short read at ${position}`);
}

const MAX_META_BYTES = 1024 * 1024;

async function readBody(fh: FileHandle, at: number, size: number, path: string): Promise<Buffer> {
  if (size > MAX_META_BYTES) throw corrupt(path, `extended header of ${size} bytes at byte ${at}`);
  const buf = Buffer.alloc(size);
  await readExactly(fh, buf, at);
  return buf;
}

function memberType(flag: string): TarMember['type'] {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}

function ustarName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const isUstar = h.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = isUstar ? cString(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal text, or GNU base-256 when the high bit of the first byte is set. */
function parseNumber(field: Buffer): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseNumber(h.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum === stored;
}

/** pax records: "LEN key=value\n" repeated. */
function parsePax(buf: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(buf.subarray(i, sp).toString('latin1'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = buf.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

function corrupt(path: string, why: string): AppError {
  return new AppError('IMAGE_ARCHIVE_CORRUPT', `${path}: not a valid tar archive: ${why}`, {
    hint: 'the file may be truncated or not an image archive; re-create it with "docker save" or "skopeo copy"',
  });
}
