import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireTools, run } from '../../../test/helpers/catalog-files.js';
import { findSection, parseElf, readAtAddress, sectionData } from './read-elf.js';

let work: string;
let program: Promise<string> | undefined;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-elf-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A small C program with a known string in a named section, built once. */
function buildProgram(): Promise<string> {
  program ??= (async () => {
    await writeFile(
      join(work, 'p.c'),
      '__attribute__((section(".corral.note"), used)) const char note[] = "corral-elf-test";\n' +
        'const char *greeting = "hello from rodata";\nint main(void) { return note[0] == 0; }\n',
    );
    await run('gcc', ['-O0', '-no-pie', '-o', join(work, 'p'), join(work, 'p.c')]);
    return join(work, 'p');
  })();
  return program;
}

const mustElf = (buf: Buffer) => {
  const p = parseElf(buf);
  if (p.kind !== 'elf') assert.fail(`expected an ELF, got ${JSON.stringify(p)}`);
  return p.elf;
};

describe('parseElf', () => {
  it('lists the same sections as binutils readelf', async (t) => {
    if (!(await requireTools(t, ['gcc', 'readelf']))) return;
    const path = await buildProgram();
    const elf = mustElf(await readFile(path));
    const readelf = await run('readelf', ['-SW', path]);
    const names = [...readelf.matchAll(/^\s*\[\s*\d+\]\s+(\S*)\s+[A-Z_0-9]+\s/gm)].map((m) =>
      m[1] === 'NULL' ? '' : m[1],
    );
    assert.deepEqual(
      elf.sections.map((s) => s.name),
      names,
    );
    assert.equal(elf.bits, 64);
    assert.equal(elf.littleEndian, true);
  });

  it('reads section data and maps virtual addresses through PT_LOAD segments', async (t) => {
    if (!(await requireTools(t, ['gcc']))) return;
    const buf = await readFile(await buildProgram());
    const elf = mustElf(buf);
    const note = sectionData(buf, elf, '.corral.note');
    assert.ok(Buffer.isBuffer(note));
    assert.equal(note.toString('latin1', 0, 15), 'corral-elf-test');
    const section = findSection(elf, '.corral.note')!;
    assert.equal(readAtAddress(buf, elf, section.addr, 15)?.toString('latin1'), 'corral-elf-test');
    assert.equal(readAtAddress(buf, elf, 0x10, 4), undefined);
    assert.equal(sectionData(buf, elf, '.no-such-section'), undefined);
  });

  it('follows extended section numbering (e_shnum = 0, e_shstrndx = SHN_XINDEX)', async (t) => {
    if (!(await requireTools(t, ['gcc']))) return;
    const buf = Buffer.from(await readFile(await buildProgram()));
    const before = mustElf(buf);
    // ELF64: e_shoff at 40, e_shnum at 60, e_shstrndx at 62; section 0's sh_size at +32, sh_link at +40.
    const shoff = Number(buf.readBigUInt64LE(40));
    const shnum = buf.readUInt16LE(60);
    const shstrndx = buf.readUInt16LE(62);
    buf.writeBigUInt64LE(BigInt(shnum), shoff + 32);
    buf.writeUInt32LE(shstrndx, shoff + 40);
    buf.writeUInt16LE(0, 60);
    buf.writeUInt16LE(0xffff, 62);
    assert.deepEqual(
      mustElf(buf).sections.map((s) => s.name),
      before.sections.map((s) => s.name),
    );
  });

  // Hostile or truncated headers: a result, never an exception.
  it('rejects broken headers without throwing', async () => {
    const node = await readFile(process.execPath);
    const shoffPastEnd = Buffer.from(node.subarray(0, 4096));
    const cases: Array<[string, Buffer, string]> = [
      ['not ELF', Buffer.from('#!/bin/sh\n'), 'not-elf'],
      ['empty', Buffer.alloc(0), 'not-elf'],
      ['magic only', Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'invalid'],
      [
        'bad class',
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 9, 1, 1, 0, ...new Array<number>(56).fill(0)]),
        'invalid',
      ],
      ['header truncated', node.subarray(0, 40), 'invalid'],
      ['section table past the end', shoffPastEnd, 'invalid'],
    ];
    for (const [what, buf, kind] of cases) assert.equal(parseElf(buf).kind, kind, what);
  });

  it("parses node's own binary", async () => {
    const elf = mustElf(await readFile(process.execPath));
    assert.ok(findSection(elf, '.text'));
    assert.ok(elf.segments.length > 0);
  });
});
