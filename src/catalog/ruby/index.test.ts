import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { emptyCatalogContext, oversizedFileRef } from '../../../test/helpers/file-refs.js';
import { MAX_GEMSPEC_BYTES, rubyGemspec } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-ruby-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('ruby wants()', () => {
  const CASES: Array<[string, boolean]> = [
    ['/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec', true],
    ['/usr/lib/ruby/gems/3.1.0/specifications/default/openssl-3.0.1.gemspec', true],
    ['/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec', true],
    ['/usr/local/bundle/specifications/rails-7.1.0.gemspec', true],
    ['/app/vendor/bundle/ruby/3.2.0/specifications/puma-6.4.0.gemspec', true],
    ['/usr/local/bundle/gems/rails-7.1.0/rails.gemspec', false],
    ['/app/myapp.gemspec', false],
    ['/usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec.bak', false],
    ['/usr/lib/ruby/gems/3.1.0/specifications/other/x.gemspec', false],
    ['/usr/lib/ruby/gems/3.1.0/cache/rake-13.0.6.gem', false],
  ];
  for (const [path, want] of CASES) {
    it(`${want ? 'wants' : 'skips'} ${path}`, () => assert.equal(rubyGemspec.wants(path), want));
  }
});

describe('ruby-gemspec on images', () => {
  it('catalogs installed and default gems; a broken spec is an Unknown and the rest completes', async () => {
    const specs = '/usr/lib/ruby/gems/3.1.0/specifications';
    const read = (rel: string) => readFile(join(testdata, rel));
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            { path: `${specs}/rake-13.0.6.gemspec`, content: await read('debian/rake-13.0.6.gemspec') },
            {
              path: `${specs}/default/openssl-3.0.1.gemspec`,
              content: await read('debian/openssl-3.0.1.gemspec'),
            },
            { path: `${specs}/rack-2.2.22.gemspec`, content: await read('corrupt/rack-2.2.22.gemspec') },
          ],
        },
      ],
      [rubyGemspec],
    );
    assert.deepEqual(
      sbom.packages.map((p) => p.purl),
      ['pkg:gem/openssl@3.0.1', 'pkg:gem/rake@13.0.6'],
    );
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.path]),
      [['CATALOG_RUBY_GEMSPEC_INVALID', `${specs}/rack-2.2.22.gemspec`]],
    );
  });

  it('reports a spec over the size cap without reading it', async () => {
    const r = await rubyGemspec.catalog(
      oversizedFileRef('/x/specifications/x-1.gemspec', MAX_GEMSPEC_BYTES + 1),
      emptyCatalogContext(),
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      ['CATALOG_RUBY_GEMSPEC_TOO_LARGE'],
    );
  });
});
