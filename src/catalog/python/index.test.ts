import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileSpec } from '../../../test/helpers/build-image.js';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { emptyCatalogContext, oversizedFileRef } from '../../../test/helpers/file-refs.js';
import { CATALOGERS } from '../registry.js';
import { MAX_METADATA_BYTES, pythonInstalled } from './index.js';

const testdata = join(import.meta.dirname, 'testdata');
const fixture = (rel: string) => readFile(join(testdata, rel));
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-python-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('python wants()', () => {
  const CASES: Array<[string, boolean]> = [
    ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', true],
    ['/usr/local/lib/python3.12/site-packages/urllib3-2.7.0.dist-info/METADATA', true],
    ['/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/pip-23.2.1.dist-info/METADATA', true],
    ['/opt/venv/lib/python3.11/site-packages/setuptools/_vendor/packaging-24.2.dist-info/METADATA', true],
    ['/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO', true],
    ['/usr/lib/python3/dist-packages/crit-3.17.1-py3.11.egg-info', true],
    ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD', false],
    ['/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/WHEEL', false],
    ['/usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt', false],
    ['/usr/lib/python3/dist-packages/yaml/METADATA', false],
    ['/usr/lib/python3/dist-packages/x.dist-info/PKG-INFO', false],
    ['/src/project/foo.egg-info/PKG-INFO', false],
    ['/src/project/foo-1.0.dist-info/METADATA', false],
    ['/usr/lib/python3/dist-packages/foo.egg-info.bak', false],
  ];
  for (const [path, want] of CASES) {
    it(`${want ? 'wants' : 'skips'} ${path}`, () => assert.equal(pythonInstalled.wants(path), want));
  }
});

describe('python-installed on images', () => {
  it('catalogs dist-info, egg-info directories and egg-info files in the layers that added them', async () => {
    const site = '/usr/local/lib/python3.11/site-packages';
    const dist = '/usr/lib/python3/dist-packages';
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            {
              path: `${dist}/six-1.16.0.egg-info/PKG-INFO`,
              content: await fixture('dist-packages/six-1.16.0.egg-info/PKG-INFO'),
            },
            {
              path: `${dist}/crit-3.17.1-py3.11.egg-info`,
              content: await fixture('dist-packages/crit-3.17.1-py3.11.egg-info'),
            },
          ],
        },
        {
          files: [
            {
              path: `${site}/urllib3-2.7.0.dist-info/METADATA`,
              content: await fixture('site-packages/urllib3-2.7.0.dist-info/METADATA'),
            },
            { path: `${site}/urllib3-2.7.0.dist-info/RECORD`, content: 'urllib3/__init__.py,sha256=x,1\n' },
            { path: `${site}/broken-1.0.dist-info/METADATA`, content: await fixture('corrupt/METADATA') },
          ],
        },
      ],
      [pythonInstalled],
    );
    assert.deepEqual(
      sbom.packages.map((p) => [p.purl, p.locations[0]?.layerIndex]),
      [
        ['pkg:pypi/crit@3.17.1', 0],
        ['pkg:pypi/six@1.16.0', 0],
        ['pkg:pypi/urllib3@2.7.0', 1],
      ],
    );
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.path, u.layerIndex]),
      [['CATALOG_PYTHON_METADATA_INVALID', `${site}/broken-1.0.dist-info/METADATA`, 1]],
    );
  });

  it('reports metadata over the size cap without reading it', async () => {
    const r = await pythonInstalled.catalog(
      oversizedFileRef('/usr/lib/python3/dist-packages/x-1.dist-info/METADATA', MAX_METADATA_BYTES + 1),
      emptyCatalogContext(),
    );
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      ['CATALOG_PYTHON_METADATA_TOO_LARGE'],
    );
  });
});

/** A Debian image where dpkg installed python3-yaml and python3-urllib3 (testdata/debian, real packages). */
async function debianPythonLayer(): Promise<FileSpec[]> {
  const files: FileSpec[] = [
    { path: '/etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
  ];
  const stanzas: string[] = [];
  for (const [pkg, metadata] of [
    ['python3-yaml', 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA'],
    ['python3-urllib3', 'usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO'],
  ] as const) {
    const control = (await fixture(`debian/${pkg}/control`)).toString('utf8').trimEnd();
    stanzas.push(control.replace(/^(Package: .*)$/m, '$1\nStatus: install ok installed'));
    files.push(
      { path: `/var/lib/dpkg/info/${pkg}.list`, content: await fixture(`debian/${pkg}/files.list`) },
      { path: `/${metadata}`, content: await fixture(`debian/${pkg}/root/${metadata}`) },
    );
  }
  files.push({ path: '/var/lib/dpkg/status', content: `${stanzas.join('\n\n')}\n` });
  return files;
}

describe('python packages installed by dpkg', () => {
  it('are folded into their Debian package, keeping the upstream purl; pip-installed ones stay', async () => {
    assert.ok(
      CATALOGERS.some((c) => c.id === 'dpkg-db'),
      'the dpkg cataloger is registered',
    );
    const pip = '/usr/local/lib/python3.11/dist-packages/urllib3-2.7.0.dist-info/METADATA';
    const sbom = await catalogLayers(
      work,
      [
        { files: await debianPythonLayer() },
        { files: [{ path: pip, content: await fixture('site-packages/urllib3-2.7.0.dist-info/METADATA') }] },
      ],
      CATALOGERS,
    );
    assert.deepEqual(sbom.unknowns, []);
    assert.deepEqual(
      sbom.packages.filter((p) => p.type === 'pypi').map((p) => [p.purl, p.locations[0]?.path]),
      [['pkg:pypi/urllib3@2.7.0', pip]],
    );
    const upstream = Object.fromEntries(
      sbom.packages
        .filter((p) => p.type === 'deb')
        .map((p) => [p.name, p.properties?.['corral:upstream:purl']]),
    );
    assert.deepEqual(upstream, {
      'python3-urllib3': 'pkg:pypi/urllib3@1.26.12',
      'python3-yaml': 'pkg:pypi/pyyaml@6.0',
    });
  });
});
