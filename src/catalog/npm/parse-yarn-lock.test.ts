import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_INVALID } from './parse-package-lock.js';
import { parseYarnLock } from './parse-yarn-lock.js';
import { LOCK_PROJECT_DEV, LOCK_PROJECT_PRODUCTION } from './testdata/lock-project-packages.js';

const testdata = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFile(join(testdata, rel), 'utf8');

// testdata/lock-project/package.json resolved by yarn 1.22.22 and yarn 4.9.1 (testdata/generate-locks.sh).
// yarn.lock has no dev flag, so the dev dependency tweetnacl is part of the result.
const LOCK_PROJECT = [...LOCK_PROJECT_PRODUCTION, ...LOCK_PROJECT_DEV];

describe('parseYarnLock', () => {
  for (const format of ['yarn-classic', 'yarn-berry']) {
    it(`${format}: every resolved package once, workspaces left out`, async () => {
      const r = parseYarnLock(await read(`${format}/yarn.lock`), '/app/yarn.lock');
      assert.deepEqual(r.unknowns, []);
      assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`).sort(), LOCK_PROJECT);
      const scoped = r.packages.find((p) => p.name.startsWith('@isaacs/'))!;
      assert.equal(scoped.purl, 'pkg:npm/%40isaacs/string-locale-compare@1.1.0');
      assert.equal(scoped.foundBy, 'npm-lock');
      assert.deepEqual(scoped.locations, [{ path: '/app/yarn.lock', layerIndex: -1 }]);
    });
  }

  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/yarn.lock as an Unknown`, async () => {
      const r = parseYarnLock(await read(`${name}/yarn.lock`), `/x/${name}/yarn.lock`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [LOCK_INVALID],
      );
    });
  }

  it('reports a berry file that is not YAML, and entries without a resolution', () => {
    const bad = parseYarnLock('__metadata:\n  version: 8\n"a@npm:1": [unclosed\n', '/x/yarn.lock');
    assert.deepEqual(
      bad.unknowns.map((u) => u.code),
      [LOCK_INVALID],
    );
    const partial = parseYarnLock(
      '__metadata:\n  version: 8\n"a@npm:1":\n  version: 1.0.0\n',
      '/x/yarn.lock',
    );
    assert.deepEqual(partial.packages, []);
    assert.deepEqual(
      partial.unknowns.map((u) => u.code),
      [LOCK_INVALID],
    );
  });
});
