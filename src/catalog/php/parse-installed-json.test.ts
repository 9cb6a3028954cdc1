import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEV_PROPERTY, INSTALLED_JSON_INVALID, parseComposerInstalled } from './parse-installed-json.js';

const testdata = join(import.meta.dirname, 'testdata');
const read = (rel: string) => readFile(join(testdata, rel), 'utf8');

/** name@version of every entry, straight from the file. */
function listed(text: string): string[] {
  const json = JSON.parse(text) as
    Array<{ name: string; version: string }> | { packages: Array<{ name: string; version: string }> };
  return (Array.isArray(json) ? json : json.packages).map((p) => `${p.name}@${p.version}`).sort();
}

describe('parseComposerInstalled', () => {
  for (const format of ['composer-1', 'composer-2']) {
    it(`${format}: every installed package with purl and licenses`, async () => {
      const text = await read(`${format}/installed.json`);
      const r = parseComposerInstalled(text, '/app/vendor/composer/installed.json');
      assert.deepEqual(r.unknowns, []);
      assert.deepEqual(r.packages.map((p) => `${p.name}@${p.version}`).sort(), listed(text));
      assert.ok(r.packages.every((p) => p.type === 'composer' && p.foundBy === 'php-composer-installed'));
      assert.ok(
        r.packages.every((p) => p.licenses.length === 1 && ['MIT', 'BSD-3-Clause'].includes(p.licenses[0]!)),
      );
    });
  }

  it('composer 2: vendor/name purls, dev packages flagged', async () => {
    const r = parseComposerInstalled(
      await read('composer-2/installed.json'),
      '/app/vendor/composer/installed.json',
    );
    const monolog = r.packages.find((p) => p.name === 'monolog/monolog')!;
    assert.equal(monolog.purl, 'pkg:composer/monolog/monolog@3.5.0');
    assert.deepEqual(monolog.licenses, ['MIT']);
    assert.equal(monolog.properties, undefined);
    const phpunit = r.packages.find((p) => p.name === 'phpunit/phpunit')!;
    assert.deepEqual(phpunit.properties, { [DEV_PROPERTY]: 'true' });
    assert.equal(r.packages.filter((p) => p.properties?.[DEV_PROPERTY] === 'true').length, 28);
  });

  it('composer 1: branch versions are kept as written', async () => {
    const r = parseComposerInstalled(
      await read('composer-1/installed.json'),
      '/app/vendor/composer/installed.json',
    );
    assert.ok(r.packages.some((p) => p.purl === 'pkg:composer/respect/validation@dev-master'));
  });

  for (const name of ['corrupt', 'empty']) {
    it(`reports testdata/${name}/installed.json as an Unknown`, async () => {
      const r = parseComposerInstalled(await read(`${name}/installed.json`), `/x/${name}`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [INSTALLED_JSON_INVALID],
      );
    });
  }

  it('skips entries without name or version, one Unknown each', () => {
    const text = JSON.stringify({
      packages: [{ name: 'a/b', version: '1.0.0' }, { name: 'c/d' }, 'x', null],
    });
    const r = parseComposerInstalled(text, '/x/installed.json');
    assert.deepEqual(
      r.packages.map((p) => p.purl),
      ['pkg:composer/a/b@1.0.0'],
    );
    assert.equal(r.unknowns.length, 3);
  });
});
