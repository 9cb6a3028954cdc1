import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireTools, run } from '../../../test/helpers/catalog-files.js';
import { findSection, parseElf } from '../elf/index.js';
import { readBuildInfo } from './parse-buildinfo.js';
import { buildGoModuleBinary, buildLegacyGoBinary } from './testdata/build-fixtures.js';

let work: string;
let goBinary: Promise<string> | undefined;
const buildOnce = () => (goBinary ??= buildGoModuleBinary(work));
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-go-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function elfOf(buf: Buffer) {
  const p = parseElf(buf);
  assert.equal(p.kind, 'elf');
  return p.kind === 'elf' ? p.elf : assert.fail();
}

const LEGACY_MODINFO =
  'path\texample.com/legacy\nmod\texample.com/legacy\t(devel)\t\n' +
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=\n';

describe('readBuildInfo', () => {
  it('reads the inline-string format of a binary built here by Debian golang', async (t) => {
    if (!(await requireTools(t, [['go', ['version']]]))) return;
    const bin = await buildOnce();
    const buf = await readFile(bin);
    const bi = readBuildInfo(buf, elfOf(buf));
    assert.equal(bi.kind, 'found');
    if (bi.kind !== 'found') return;
    // Ground truth: the toolchain's own reader.
    const goVersionM = await run('go', ['version', '-m', bin]);
    assert.equal(bi.info.goVersion, /: (go\S+)/.exec(goVersionM)?.[1]);
    const lines = (s: string) =>
      s
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    assert.deepEqual(lines(bi.info.modinfo), lines(goVersionM).slice(1));
  });

  it('reads the pre-1.18 pointer format through PT_LOAD address mapping', async (t) => {
    if (!(await requireTools(t, ['gcc']))) return;
    const buf = await readFile(await buildLegacyGoBinary(work, 'go1.16.15', LEGACY_MODINFO));
    assert.deepEqual(readBuildInfo(buf, elfOf(buf)), {
      kind: 'found',
      info: { goVersion: 'go1.16.15', modinfo: LEGACY_MODINFO },
    });
  });

  it("finds nothing in a program that is not Go (node's own binary)", async () => {
    const buf = await readFile('/proc/self/exe');
    assert.deepEqual(readBuildInfo(buf, elfOf(buf)), { kind: 'none' });
  });

  it('reports an inline string that runs past the section', async (t) => {
    if (!(await requireTools(t, [['go', ['version']]]))) return;
    const buf = Buffer.from(await readFile(await buildOnce()));
    const elf = elfOf(buf);
    const s = findSection(elf, '.go.buildinfo')!;
    // The version's uvarint length byte sits right after the 32-byte header: claim 4 MiB.
    buf.set([0x80, 0x80, 0x80, 0x02], s.offset + 32);
    const bi = readBuildInfo(buf, elf);
    assert.equal(bi.kind, 'invalid');
  });

  it('reports pointers that map nowhere', async (t) => {
    if (!(await requireTools(t, ['gcc']))) return;
    const buf = Buffer.from(await readFile(await buildLegacyGoBinary(work, 'go1.16.15', LEGACY_MODINFO)));
    const elf = elfOf(buf);
    const s = findSection(elf, '.go.buildinfo')!;
    buf.writeBigUInt64LE(0xdead_beef_0000n, s.offset + 16);
    assert.deepEqual(readBuildInfo(buf, elf), {
      kind: 'invalid',
      reason: 'a build info string pointer does not map into the file',
    });
  });
});
