import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_INVALID } from './parse-package-lock.js';
import { parsePnpmKey, parsePnpmLock } from './parse-pnpm-lock.js';
import { LOCK_PROJECT_PRODUCTION } from './testdata/lock-project-packages.js';

const testdata = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFile(join(testdata, rel), 'utf8');

// testdata/lock-project/package.json locked by pnpm 7.33.7 (lockfile 5.4), 8.15.9 (6.0) and 9.15.9
// (9.0) in testdata/generate-locks.sh. The dev dependency tweetnacl is left out; react-dom has a peer
// suffix in every version (`_react@18.2.0`, `(react@18.2.0)`).

describe('parsePnpmLock', () => {
  for (const v of ['v5', 'v6', 'v9']) {
    it(`lockfile ${v}: production packages, peer suffixes removed`, async () => {
      const r = parsePnpmLock(await read(`pnpm-${v}/pnpm-lock.yaml`), '/app/pnpm-lock.yaml');
      assert.deepEqual(r.unknowns, []);
      assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`).sort(), LOCK_PROJECT_PRODUCTION);
      assert.ok(r.packages.some((p) => p.purl === 'pkg:npm/%40isaacs/string-locale-compare@1.1.0'));
    });
  }

  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/pnpm-lock.yaml as an Unknown`, async () => {
      const r = parsePnpmLock(await read(`${name}/pnpm-lock.yaml`), `/x/${name}/pnpm-lock.yaml`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [LOCK_INVALID],
      );
    });
  }

  it('reports package keys it cannot read, keeps the rest', () => {
    const text = "lockfileVersion: '6.0'\npackages:\n  /ok@1.0.0: {}\n  /no-version: {}\n";
    const r = parsePnpmLock(text, '/x/pnpm-lock.yaml');
    assert.deepEqual(
      r.packages.map((p) => p.purl),
      ['pkg:npm/ok@1.0.0'],
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      [LOCK_INVALID],
    );
  });
});

describe('parsePnpmKey', () => {
  // key shapes from https://github.com/pnpm/spec/tree/master/lockfile and the fixtures above
  const CASES: Array<[string, number, string | undefined]> = [
    ['/is-number/7.0.0', 5.4, 'is-number@7.0.0'],
    ['/@isaacs/string-locale-compare/1.1.0', 5.4, '@isaacs/string-locale-compare@1.1.0'],
    ['/react-dom/18.2.0_react@18.2.0', 5.4, 'react-dom@18.2.0'],
    ['/@babel/core/7.0.0_@babel+types@7.0.0', 5.3, '@babel/core@7.0.0'],
    ['/is-number@7.0.0', 6, 'is-number@7.0.0'],
    ['/@isaacs/string-locale-compare@1.1.0', 6, '@isaacs/string-locale-compare@1.1.0'],
    ['/react-dom@18.2.0(react@18.2.0)', 6, 'react-dom@18.2.0'],
    ['react-dom@18.2.0', 9, 'react-dom@18.2.0'],
    ['@isaacs/string-locale-compare@1.1.0', 9, '@isaacs/string-locale-compare@1.1.0'],
    ['/only-name', 5.4, undefined],
    ['/only-name', 6, undefined],
    ['@scope', 9, undefined],
    ['name@', 9, undefined],
  ];
  for (const [key, version, want] of CASES) {
    it(`${key} (v${version}) → ${want}`, () => {
      const got = parsePnpmKey(key, version);
      assert.equal(got && `${got.name}@${got.version}`, want);
    });
  }
});
