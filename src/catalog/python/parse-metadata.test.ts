import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MAX_HEADER_LINES,
  METADATA_INVALID,
  normalisePythonName,
  parseCoreMetadata,
} from './parse-metadata.js';

const testdata = join(import.meta.dirname, 'testdata');
const DEB = 'debian/python3-%s/root/usr/lib/python3/dist-packages';

// Real metadata files (testdata/README.md) → name, purl, licenses.
const FIXTURES: Array<[string, string, string, string[]]> = [
  ['site-packages/urllib3-2.7.0.dist-info/METADATA', 'urllib3', 'pkg:pypi/urllib3@2.7.0', ['MIT']],
  [
    'site-packages/requests-2.34.2.dist-info/METADATA',
    'requests',
    'pkg:pypi/requests@2.34.2',
    ['Apache-2.0'],
  ],
  // "License: Dual License": the classifiers say more (and are versionless, so kept as text)
  [
    'site-packages/python_dateutil-2.9.0.post0.dist-info/METADATA',
    'python-dateutil',
    'pkg:pypi/python-dateutil@2.9.0.post0',
    ['BSD License', 'Apache Software License'],
  ],
  [
    'site-packages/markupsafe-3.0.3.dist-info/METADATA',
    'MarkupSafe',
    'pkg:pypi/markupsafe@3.0.3',
    ['BSD-3-Clause'],
  ],
  [
    'site-packages/typing_extensions-4.15.0.dist-info/METADATA',
    'typing_extensions',
    'pkg:pypi/typing-extensions@4.15.0',
    ['PSF-2.0'],
  ],
  ['dist-packages/six-1.16.0.egg-info/PKG-INFO', 'six', 'pkg:pypi/six@1.16.0', ['MIT']],
  [
    'dist-packages/lazr.uri-1.0.6.egg-info/PKG-INFO',
    'lazr.uri',
    'pkg:pypi/lazr-uri@1.0.6',
    ['GNU Library or Lesser General Public License (LGPL)'],
  ],
  ['dist-packages/crit-3.17.1-py3.11.egg-info', 'crit', 'pkg:pypi/crit@3.17.1', ['GPL-2.0-only']],
  [`${DEB.replace('%s', 'yaml')}/PyYAML-6.0.dist-info/METADATA`, 'PyYAML', 'pkg:pypi/pyyaml@6.0', ['MIT']],
  [
    `${DEB.replace('%s', 'urllib3')}/urllib3-1.26.12.egg-info/PKG-INFO`,
    'urllib3',
    'pkg:pypi/urllib3@1.26.12',
    ['MIT'],
  ],
];

describe('parseCoreMetadata', () => {
  for (const [rel, name, purl, licenses] of FIXTURES) {
    it(rel, async () => {
      const path = `/usr/lib/python3/${rel}`;
      const r = parseCoreMetadata(await readFile(join(testdata, rel), 'utf8'), path);
      assert.deepEqual(r.unknowns, []);
      assert.equal(r.packages.length, 1);
      const p = r.packages[0]!;
      assert.deepEqual(
        [p.name, p.purl, p.licenses, p.type, p.foundBy],
        [name, purl, licenses, 'pypi', 'python-installed'],
      );
      assert.deepEqual(p.locations, [{ path, layerIndex: -1 }]);
    });
  }

  for (const rel of ['corrupt/METADATA', 'corrupt/PKG-INFO', 'empty/METADATA']) {
    it(`reports ${rel} as an Unknown`, async () => {
      const r = parseCoreMetadata(await readFile(join(testdata, rel), 'utf8'), `/x/${rel}`);
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        [METADATA_INVALID],
      );
    });
  }

  it('stops reading an endless header block', () => {
    const text = `Name: x\nVersion: 1\n${'X-Filler: y\n'.repeat(MAX_HEADER_LINES)}`;
    const r = parseCoreMetadata(text, '/x/METADATA');
    assert.equal(r.packages.length, 1);
    assert.deepEqual(
      r.unknowns.map((u) => u.code),
      [METADATA_INVALID],
    );
  });
});

describe('normalisePythonName (PEP 503)', () => {
  // examples from https://peps.python.org/pep-0503/#normalized-names
  const CASES: Array<[string, string]> = [
    ['friendly-bard', 'friendly-bard'],
    ['Friendly-Bard', 'friendly-bard'],
    ['FRIENDLY-BARD', 'friendly-bard'],
    ['friendly.bard', 'friendly-bard'],
    ['friendly_bard', 'friendly-bard'],
    ['friendly--bard', 'friendly-bard'],
    ['FrIeNdLy-._.-bArD', 'friendly-bard'],
  ];
  for (const [raw, want] of CASES) it(`${raw} → ${want}`, () => assert.equal(normalisePythonName(raw), want));
});
