import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { npmLs, npmProject, usableProject } from '../../../test/helpers/npm-project.js';
import { LOCK_INVALID, MAX_LOCK_V1_DEPTH, parsePackageLock } from './parse-package-lock.js';

const testdata = join(import.meta.dirname, 'testdata');
const VERSIONS = [1, 2, 3] as const;
let work: string;
const locks = new Map<number, Promise<string>>();

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-npm-lock-'));
  // real lock files of every version, written by npm itself (`--lockfile-version N --package-lock-only`)
  for (const v of VERSIONS) {
    const p = npmProject(work, { lockfileVersion: v });
    p.catch(() => undefined); // awaited (and reported) by the test of that version
    locks.set(v, p);
  }
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const ids = (pkgs: Array<{ name: string; version: string }>) =>
  pkgs.map((p) => `${p.name}@${p.version}`).sort();

describe('parsePackageLock over lock files written by npm', () => {
  for (const v of VERSIONS) {
    it(`lockfileVersion ${v}: the production packages npm ls --package-lock-only --omit=dev lists`, async (t) => {
      const dir = await usableProject(t, locks.get(v)!);
      if (!dir) return;
      const text = await readFile(join(dir, 'package-lock.json'), 'utf8');
      assert.equal((JSON.parse(text) as { lockfileVersion: number }).lockfileVersion, v);
      const r = parsePackageLock(text, '/app/package-lock.json');
      assert.deepEqual(r.unknowns, []);
      const expected = [
        ...new Set(
          (await npmLs(dir, { lockOnly: true, omitDev: true })).map((e) => `${e.name}@${e.version}`),
        ),
      ];
      assert.deepEqual(ids(r.packages), expected.sort());
      assert.ok(!ids(r.packages).includes('tweetnacl@0.14.5'), 'dev dependency left out');
      assert.ok(ids(r.packages).includes('is-number@3.0.0') && ids(r.packages).includes('is-number@7.0.0'));
      const scoped = r.packages.find((p) => p.name === '@isaacs/string-locale-compare')!;
      assert.equal(scoped.purl, 'pkg:npm/%40isaacs/string-locale-compare@1.1.0');
      assert.equal(scoped.foundBy, 'npm-lock');
      // npm 7+ records each package's license in v2/v3 lock files; v1 has none
      assert.deepEqual(scoped.licenses, v === 1 ? [] : ['ISC']);
    });
  }
});

describe('parsePackageLock on bad input', () => {
  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/package-lock.json as an Unknown`, async () => {
      const r = parsePackageLock(
        await readFile(join(testdata, name, 'package-lock.json'), 'utf8'),
        `/x/${name}`,
      );
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [LOCK_INVALID],
      );
    });
  }

  it('stops a v1 dependency tree nested deeper than the cap, keeping what it read', () => {
    let deps: Record<string, unknown> = {};
    const root = deps;
    for (let i = 0; i < MAX_LOCK_V1_DEPTH + 50; i++) {
      const next = {};
      deps[`p${i}`] = { version: '1.0.0', dependencies: next };
      deps = next;
    }
    const r = parsePackageLock(
      JSON.stringify({ lockfileVersion: 1, dependencies: root }),
      '/x/package-lock.json',
    );
    assert.equal(r.packages.length, MAX_LOCK_V1_DEPTH);
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      [LOCK_INVALID],
    );
  });

  it('skips malformed entries with an Unknown each and keeps the good ones', () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/a': { version: '1.0.0' },
        'node_modules/b': 'x',
        'node_modules/c': {},
      },
    };
    const r = parsePackageLock(JSON.stringify(lock), '/x/package-lock.json');
    assert.deepEqual(ids(r.packages), ['a@1.0.0']);
    assert.equal(r.unknowns.length, 2);
  });
});
