/**
 * Opens a wanted file as an ELF executable for the binary catalogers (go/, rust/). The FileRef API
 * reads whole bodies, so the size is checked first: a program past {@link MAX_EXECUTABLE_BYTES} is
 * reported, not read.
 */
import type { FileRef } from '../../image/file-view.js';
import { GiB } from '../../image/limits.js';
import { type ElfFile, type ElfParse, isElf, parseElf } from './read-elf.js';

/** Largest program opened (real Go/Rust binaries are 2–300 MiB; CUDA-linked ones approach 1 GiB). */
export const MAX_EXECUTABLE_BYTES = GiB;

/** Enough bytes to tell an ELF file from anything else. */
const MAGIC_BYTES = 4;

export type OpenedExecutable =
  | { kind: 'not-elf' }
  | { kind: 'too-large'; size: number }
  | { kind: 'invalid'; reason: string }
  | { kind: 'elf'; buf: Buffer; elf: ElfFile };

/**
 * Headers already parsed, by body. Every binary cataloger opens the same executables, and bodies captured
 * during the layer pass are handed out as the same Buffer each time, so each is parsed once; the entries
 * go away with the bodies.
 */
const parsedByBody = new WeakMap<Buffer, ElfParse>();

function parsedElf(buf: Buffer): ElfParse {
  let parsed = parsedByBody.get(buf);
  if (parsed === undefined) {
    parsed = parseElf(buf);
    parsedByBody.set(buf, parsed);
  }
  return parsed;
}

/**
 * Reads `file` and parses its ELF headers. Files shorter than the ELF magic, scripts and data files
 * are `not-elf` (not a defect: the path predicate cannot see contents).
 * @example
 * const x = await openExecutable(file);
 * if (x.kind === 'elf') readBuildInfo(x.buf, x.elf);
 */
export async function openExecutable(
  file: FileRef,
  maxBytes = MAX_EXECUTABLE_BYTES,
): Promise<OpenedExecutable> {
  if (file.size < MAGIC_BYTES) return { kind: 'not-elf' };
  if (file.size > maxBytes) return { kind: 'too-large', size: file.size };
  const buf = await file.read();
  if (!isElf(buf)) return { kind: 'not-elf' };
  const parsed = parsedElf(buf);
  switch (parsed.kind) {
    case 'elf':
      return { kind: 'elf', buf, elf: parsed.elf };
    case 'invalid':
      return parsed;
    case 'not-elf':
      return parsed;
  }
}
