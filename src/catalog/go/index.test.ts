import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers, requireTools, run } from '../../../test/helpers/catalog-files.js';
import { findSection, parseElf } from '../elf/index.js';
import { goModuleBinary } from './index.js';
import { buildGoModuleBinary, buildLegacyGoBinary } from './testdata/build-fixtures.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-go-cat-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('go-module-binary wants()', () => {
  // glob-paths: where images put programs, and look-alikes that must stay out of the layer pass.
  const table: Array<[string, boolean]> = [
    ['/usr/local/bin/kubectl', true],
    ['/usr/bin/containerd', true],
    ['/bin/app', true],
    ['/manager', true],
    ['/app/server', true],
    ['/app/cmd/worker/worker', true],
    ['/opt/tool/bin/tool', true],
    ['/go/bin/dlv', true],
    ['/usr/local/go/bin/go', true],
    ['/usr/local/go/pkg/tool/linux_amd64/compile', true],
    ['/usr/local/bin/python3.11', false],
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', false],
    ['/app/LICENSE', false],
    ['/app/node_modules/esbuild/bin/esbuild', false],
    ['/opt/app/Makefile', false],
    ['/etc/passwd', false],
    ['/usr/share/doc/x/copyright', false],
    ['/home/user/tool', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(goModuleBinary.wants(path), want));
  }
});

describe('go-module-binary on a real image', () => {
  it('catalogs Go binaries and reports broken ones by code, without stopping', async (t) => {
    if (!(await requireTools(t, [['go', ['version']], 'gcc']))) return;
    const app = await readFile(await buildGoModuleBinary(work));
    const legacy = await readFile(
      await buildLegacyGoBinary(work, 'go1.16.15', 'path\tex.com/legacy\nmod\tex.com/legacy\tv0.3.0\t\n'),
    );
    const badInfo = Buffer.from(app);
    const elf = parseElf(badInfo);
    assert.equal(elf.kind, 'elf');
    const section = elf.kind === 'elf' ? findSection(elf.elf, '.go.buildinfo')! : assert.fail();
    badInfo.set([0xff, 0xff, 0xff, 0x7f], section.offset + 32);
    const exe = (path: string, content: Buffer | string) => ({ path, content, mode: 0o755 });
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            exe('/usr/local/bin/app', app),
            exe('/usr/bin/legacy', legacy),
            exe('/usr/bin/script', '#!/bin/sh\necho hi\n'),
            exe('/app/truncated', app.subarray(0, 64)),
            exe('/app/badinfo', badInfo),
          ],
        },
      ],
      [goModuleBinary],
    );
    const got = sbom.packages.map((p) => `${p.locations[0]!.path} ${p.purl}`).sort();
    assert.deepEqual(got, [
      '/usr/bin/legacy pkg:golang/ex.com/legacy@v0.3.0',
      '/usr/bin/legacy pkg:golang/stdlib@1.16.15',
      '/usr/local/bin/app pkg:golang/example.com/corral/app@(devel)',
      '/usr/local/bin/app pkg:golang/example.com/corral/greet@v1.2.3',
      '/usr/local/bin/app pkg:golang/example.com/corral/newlib@v1.1.0',
      `/usr/local/bin/app pkg:golang/stdlib@${(await run('go', ['env', 'GOVERSION'])).trim().slice(2)}`,
    ]);
    const greet = sbom.packages.find((p) => p.name === 'example.com/corral/greet')!;
    assert.equal(greet.properties?.['corral:go:replace'], '../greet');
    const newlib = sbom.packages.find((p) => p.name === 'example.com/corral/newlib')!;
    assert.equal(newlib.properties?.['corral:go:replaces'], 'example.com/corral/oldlib@v1.0.0');
    const main = sbom.packages.find((p) => p.name === 'example.com/corral/app')!;
    assert.equal(main.arch, 'amd64');
    assert.equal(main.properties?.['corral:go:build:CGO_ENABLED'], '0');
    assert.equal(main.locations[0]!.layerIndex, 0);
    assert.deepEqual(sbom.unknowns.map((u) => `${u.path} ${u.code}`).sort(), [
      '/app/badinfo CATALOG_GO_BUILDINFO_INVALID',
      '/app/truncated CATALOG_GO_ELF_INVALID',
    ]);
  });
});
