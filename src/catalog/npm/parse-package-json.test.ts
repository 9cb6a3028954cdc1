import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { npmLs, npmProject, usableProject } from '../../../test/helpers/npm-project.js';
import { parsePackageJson, PACKAGE_JSON_INVALID } from './parse-package-json.js';

const testdata = join(import.meta.dirname, 'testdata');
let work: string;
let installed: Promise<string>;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-npm-pj-'));
  // a real `npm install` of testdata/project, shared by the tests below
  installed = npmProject(work, { install: true });
  installed.catch(() => undefined); // awaited (and reported) by each test
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function parseInstalled(dir: string, rel: string) {
  return parsePackageJson(await readFile(join(dir, rel, 'package.json'), 'utf8'), `/app/${rel}/package.json`);
}

describe('parsePackageJson over a real npm install', () => {
  it('reads the name and version of every package npm ls reports as installed', async (t) => {
    const dir = await usableProject(t, installed);
    if (!dir) return;
    const expected = await npmLs(dir);
    assert.ok(expected.length >= 10, `npm ls listed ${expected.length} packages`);
    for (const e of expected) {
      const r = await parseInstalled(dir, e.path);
      assert.deepEqual(r.unknowns, [], e.path);
      assert.deepEqual(
        r.packages.map((p) => [p.name, p.version, p.locations[0]?.path]),
        [[e.name, e.version, `/app/${e.path}/package.json`]],
      );
    }
  });

  it('builds scoped purls and reads string and legacy `licenses` array licenses', async (t) => {
    const dir = await usableProject(t, installed);
    if (!dir) return;
    const scoped = (await parseInstalled(dir, 'node_modules/@isaacs/string-locale-compare')).packages[0]!;
    assert.equal(scoped.purl, 'pkg:npm/%40isaacs/string-locale-compare@1.1.0');
    assert.deepEqual(scoped.licenses, ['ISC']);
    assert.equal(scoped.foundBy, 'npm-package-json');
    // json-schema 0.2.3: "licenses": [{"type": "AFLv2.1", …}, {"type": "BSD", …}]
    const legacy = (await parseInstalled(dir, 'node_modules/json-schema')).packages[0]!;
    assert.deepEqual(legacy.licenses, ['AFL-2.1', 'BSD']);
    const nested = (await parseInstalled(dir, 'node_modules/to-regex-range/node_modules/is-number'))
      .packages[0]!;
    assert.equal(nested.purl, 'pkg:npm/is-number@3.0.0');
  });

  it('ignores a "private": true package (the application itself)', async (t) => {
    const dir = await usableProject(t, installed);
    if (!dir) return;
    const r = parsePackageJson(await readFile(join(dir, 'package.json'), 'utf8'), '/app/package.json');
    assert.deepEqual(r, { packages: [], relationships: [], unknowns: [] });
  });
});

describe('parsePackageJson on bad input', () => {
  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/package.json as an Unknown`, async () => {
      const r = parsePackageJson(await readFile(join(testdata, name, 'package.json'), 'utf8'), `/x/${name}`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [PACKAGE_JSON_INVALID],
      );
    });
  }

  it('reports a package root without name or version, and non-object JSON', () => {
    for (const text of ['{"type":"module"}', '{"name":"x"}', '[1,2]', 'null', '"x"']) {
      const r = parsePackageJson(text, '/app/node_modules/x/package.json');
      assert.deepEqual(r.packages, [], text);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [PACKAGE_JSON_INVALID],
        text,
      );
    }
  });
});
