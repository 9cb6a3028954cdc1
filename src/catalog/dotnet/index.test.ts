import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { emptyCatalogContext, oversizedFileRef } from '../../../test/helpers/file-refs.js';
import { dotnetDeps, MAX_DEPS_JSON_BYTES } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-dotnet-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('dotnet wants()', () => {
  const CASES: Array<[string, boolean]> = [
    ['/app/InventorySync.deps.json', true],
    ['/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json', true],
    ['/app/bin/Release/net8.0/linux-x64/publish/My.App.deps.json', true],
    ['/.deps.json', false],
    ['/app/InventorySync.runtimeconfig.json', false],
    ['/app/deps.json', false],
    ['/app/InventorySync.deps.json.bak', false],
  ];
  for (const [path, want] of CASES) {
    it(`${want ? 'wants' : 'skips'} ${path}`, () => assert.equal(dotnetDeps.wants(path), want));
  }
});

describe('dotnet-deps on images', () => {
  it('catalogs a built app and turns relationships into package ids', async () => {
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            {
              path: '/app/InventorySync.deps.json',
              content: await readFile(join(testdata, 'sqlite-worker/InventorySync.deps.json')),
            },
            {
              path: '/app/Broken.deps.json',
              content: await readFile(join(testdata, 'corrupt/App.deps.json')),
            },
          ],
        },
      ],
      [dotnetDeps],
    );
    assert.equal(sbom.packages.length, 11);
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.path]),
      [['CATALOG_DOTNET_DEPS_JSON_INVALID', '/app/Broken.deps.json']],
    );
    const ids = new Set(sbom.packages.map((p) => p.id));
    const dependsOn = sbom.relationships.filter((r) => r.type === 'depends-on');
    assert.equal(dependsOn.length, 9);
    assert.ok(dependsOn.every((r) => ids.has(r.from) && ids.has(r.to)));
  });

  it('reports a file over the size cap without reading it', async () => {
    const r = await dotnetDeps.catalog(
      oversizedFileRef('/app/x.deps.json', MAX_DEPS_JSON_BYTES + 1),
      emptyCatalogContext(),
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      ['CATALOG_DOTNET_DEPS_JSON_TOO_LARGE'],
    );
  });
});
