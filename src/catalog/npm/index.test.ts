import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileSpec } from '../../../test/helpers/build-image.js';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { emptyCatalogContext, oversizedFileRef } from '../../../test/helpers/file-refs.js';
import { filesFromHostDir, npmLs, npmProject, usableProject } from '../../../test/helpers/npm-project.js';
import { MiB } from '../../image/limits.js';
import {
  MAX_LOCK_BYTES,
  MAX_NODE_MODULES_NESTING,
  MAX_PACKAGE_JSON_BYTES,
  npmLock,
  npmPackageJson,
} from './index.js';

let work: string;
let installed: Promise<string>;
let locked: Promise<string>;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-npm-'));
  installed = npmProject(work, { install: true });
  locked = npmProject(work, { lockfileVersion: 3 });
  installed.catch(() => undefined); // awaited (and reported) by each test
  locked.catch(() => undefined);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('npm wants()', () => {
  const PACKAGE_JSON: Array<[string, boolean]> = [
    ['/app/node_modules/lodash/package.json', true],
    ['/node_modules/lodash/package.json', true],
    ['/app/node_modules/@babel/core/package.json', true],
    ['/app/node_modules/a/node_modules/b/package.json', true],
    ['/app/node_modules/a/node_modules/@s/b/package.json', true],
    ['/app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json', true],
    ['/usr/lib/node_modules/npm/node_modules/semver/package.json', true],
    ['/app/package.json', false],
    ['/app/node_modules/x/lib/package.json', false],
    ['/app/node_modules/@babel/package.json', false],
    ['/app/node_modules/package.json', false],
    ['/app/node_modules/.package-lock.json', false],
    ['/app/node_modules/.bin/package.json', false],
    ['/app/node_modules/@/x/package.json', false],
    ['/app/node_modules/lodash/package.json5', false],
    ['/app/node_modules/lodash/xpackage.json', false],
  ];
  for (const [path, want] of PACKAGE_JSON) {
    it(`npm-package-json ${want ? 'wants' : 'skips'} ${path}`, () =>
      assert.equal(npmPackageJson.wants(path), want));
  }

  const LOCKS: Array<[string, boolean]> = [
    ['/app/package-lock.json', true],
    ['/package-lock.json', true],
    ['/app/npm-shrinkwrap.json', true],
    ['/app/yarn.lock', true],
    ['/srv/web/pnpm-lock.yaml', true],
    ['/app/node_modules/x/yarn.lock', false],
    ['/app/node_modules/.package-lock.json', false],
    ['/app/package-lock.json.bak', false],
    ['/app/my-yarn.lock', false],
    ['/app/pnpm-lock.yml', false],
  ];
  for (const [path, want] of LOCKS) {
    it(`npm-lock ${want ? 'wants' : 'skips'} ${path}`, () => assert.equal(npmLock.wants(path), want));
  }

  it('wants exactly the package roots of a real npm install', async (t) => {
    const dir = await usableProject(t, installed);
    if (!dir) return;
    const files = (await filesFromHostDir(dir, '/app'))
      .filter((f) => f.type === undefined)
      .map((f) => f.path);
    const wanted = files.filter((p) => npmPackageJson.wants(p)).sort();
    // ws-a is a symlink to packages/ws-a: its package.json is not below node_modules
    const expected = (await npmLs(dir)).map((e) => `/app/${e.path}/package.json`).sort();
    assert.deepEqual(wanted, expected);
  });
});

describe('npm catalogers on images', () => {
  it('catalogs a real npm install from node_modules, ignoring the lock file beside it', async (t) => {
    const dir = await usableProject(t, installed);
    if (!dir) return;
    const sbom = await catalogLayers(
      work,
      [{ files: await filesFromHostDir(dir, '/app') }],
      [npmPackageJson, npmLock],
    );
    assert.deepEqual(sbom.unknowns, []);
    const expected = (await npmLs(dir))
      .map((e) => `${e.name}@${e.version} /app/${e.path}/package.json`)
      .sort();
    const got = sbom.packages.map((p) => `${p.name}@${p.version} ${p.locations[0]?.path}`).sort();
    assert.deepEqual(got, expected);
    assert.ok(
      sbom.packages.every((p) => p.foundBy === 'npm-package-json' && p.locations[0]?.layerIndex === 0),
    );
    assert.ok(
      got.some((g) => g.startsWith('tweetnacl@0.14.5')),
      'installed dev dependencies are on disk: reported',
    );
  });

  it('reads a lock file when no node_modules is installed beside it, in the layer that added it', async (t) => {
    const dir = await usableProject(t, locked);
    if (!dir) return;
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            { path: '/srv/', type: 'dir' },
            { path: '/srv/other.txt', content: 'x' },
          ],
        },
        { files: await filesFromHostDir(dir, '/srv/api') },
      ],
      [npmPackageJson, npmLock],
    );
    assert.deepEqual(sbom.unknowns, []);
    const expected = new Set(
      (await npmLs(dir, { lockOnly: true, omitDev: true })).map((e) => `${e.name}@${e.version}`),
    );
    assert.deepEqual(sbom.packages.map((p) => `${p.name}@${p.version}`).sort(), [...expected].sort());
    for (const p of sbom.packages) {
      assert.equal(p.foundBy, 'npm-lock');
      assert.deepEqual(p.locations, [{ path: '/srv/api/package-lock.json', layerIndex: 1 }]);
    }
  });

  it('reports files over the size caps without reading them', async () => {
    const ctx = emptyCatalogContext();
    const big = await npmPackageJson.catalog(
      oversizedFileRef('/app/node_modules/x/package.json', MAX_PACKAGE_JSON_BYTES + 1),
      ctx,
    );
    assert.deepEqual(
      big.unknowns.map((u) => u.code),
      ['CATALOG_NPM_PACKAGE_JSON_TOO_LARGE'],
    );
    const lock = await npmLock.catalog(oversizedFileRef('/app/yarn.lock', MAX_LOCK_BYTES + MiB), ctx);
    assert.deepEqual(
      lock.unknowns.map((u) => u.code),
      ['CATALOG_NPM_LOCK_TOO_LARGE'],
    );
  });
});

describe('a 10,000-deep node_modules chain', () => {
  const DEPTH = 10_000;
  /** Depths that also get a package.json, below and above the nesting cap. */
  const SHALLOW = 200;
  const chain = (depth: number) => `/deep${'/node_modules/a'.repeat(depth)}`;
  const files = (): FileSpec[] => [
    { path: '/app/node_modules/ok/package.json', content: '{"name":"ok","version":"1.0.0","license":"MIT"}' },
    ...Array.from({ length: SHALLOW }, (_, i) => ({
      path: `${chain(i + 1)}/package.json`,
      content: `{"name":"a","version":"1.0.${i + 1}"}`,
    })),
    { path: `${chain(DEPTH)}/package.json`, content: '{"name":"a","version":"9.9.9"}' },
  ];

  it('default limits: the deepest path is a warning, nesting past the cap are Unknowns, the rest completes', async () => {
    const started = Date.now();
    const sbom = await catalogLayers(work, [{ files: files() }], [npmPackageJson, npmLock]);
    assert.ok(Date.now() - started < 60_000, 'no hang');
    const codes = sbom.unknowns.map((u) => u.code);
    assert.equal(codes.filter((c) => c === 'IMAGE_PATH_TOO_LONG').length, 1);
    assert.equal(
      codes.filter((c) => c === 'CATALOG_NPM_NESTING_TOO_DEEP').length,
      SHALLOW - MAX_NODE_MODULES_NESTING,
    );
    assert.ok(sbom.packages.some((p) => p.purl === 'pkg:npm/ok@1.0.0'));
    assert.equal(sbom.packages.filter((p) => p.name === 'a').length, MAX_NODE_MODULES_NESTING);
  });

  it('with the path limit lifted, the deepest package.json is an Unknown naming the file', async () => {
    const sbom = await catalogLayers(work, [{ files: files() }], [npmPackageJson], {
      maxPathLength: 1024 * 1024,
    });
    const deep = sbom.unknowns.filter((u) => u.code === 'CATALOG_NPM_NESTING_TOO_DEEP');
    assert.equal(deep.length, SHALLOW - MAX_NODE_MODULES_NESTING + 1);
    assert.ok(
      deep.every((u) => u.path.startsWith('/deep/node_modules/a') && u.path.endsWith('package.json')),
    );
    assert.ok(sbom.packages.some((p) => p.purl === 'pkg:npm/ok@1.0.0'));
  });
});
