import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { emptyCatalogContext, oversizedFileRef } from '../../../test/helpers/file-refs.js';
import { MAX_INSTALLED_JSON_BYTES, phpComposerInstalled } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-php-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('php wants()', () => {
  const CASES: Array<[string, boolean]> = [
    ['/var/www/html/vendor/composer/installed.json', true],
    ['/app/vendor/composer/installed.json', true],
    ['/vendor/composer/installed.json', true],
    ['/app/vendor/composer/installed.php', false],
    ['/app/composer.lock', false],
    ['/app/vendor/composer/installed.json.bak', false],
    ['/app/composer/installed.json', false],
    ['/app/vendor/monolog/monolog/composer.json', false],
  ];
  for (const [path, want] of CASES) {
    it(`${want ? 'wants' : 'skips'} ${path}`, () => assert.equal(phpComposerInstalled.wants(path), want));
  }
});

describe('php-composer-installed on images', () => {
  it('catalogs vendor/composer/installed.json of two applications', async () => {
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            {
              path: '/srv/old/vendor/composer/installed.json',
              content: await readFile(join(testdata, 'composer-1/installed.json')),
            },
            {
              path: '/srv/new/vendor/composer/installed.json',
              content: await readFile(join(testdata, 'composer-2/installed.json')),
            },
          ],
        },
      ],
      [phpComposerInstalled],
    );
    assert.deepEqual(sbom.unknowns, []);
    assert.equal(sbom.packages.length, 20 + 46);
    // monolog is installed by both applications, at different versions: one package per file
    const where = (purl: string) => sbom.packages.find((p) => p.purl === purl)?.locations;
    assert.deepEqual(where('pkg:composer/monolog/monolog@3.5.0'), [
      { path: '/srv/new/vendor/composer/installed.json', layerIndex: 0 },
    ]);
    assert.deepEqual(where('pkg:composer/monolog/monolog@1.23.0'), [
      { path: '/srv/old/vendor/composer/installed.json', layerIndex: 0 },
    ]);
  });

  it('reports a file over the size cap without reading it', async () => {
    const r = await phpComposerInstalled.catalog(
      oversizedFileRef('/app/vendor/composer/installed.json', MAX_INSTALLED_JSON_BYTES + 1),
      emptyCatalogContext(),
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      ['CATALOG_PHP_COMPOSER_INSTALLED_TOO_LARGE'],
    );
  });
});
