import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseLicense, normaliseLicenses } from './spdx-license.js';

// Values as found in real metadata: npm package.json `license`, Python `License:` and classifier
// names (https://pypi.org/classifiers/), gemspec `licenses`, composer `license`.
const CASES: Array<[string, string | undefined]> = [
  ['MIT', 'MIT'],
  ['(MIT OR Apache-2.0)', '(MIT OR Apache-2.0)'],
  ['BSD-3-Clause AND MIT', 'BSD-3-Clause AND MIT'],
  ['GPL-2.0+', 'GPL-2.0+'],
  ['MIT License', 'MIT'],
  ['Apache 2.0', 'Apache-2.0'],
  ['Apache License 2.0', 'Apache-2.0'],
  ['GPLv2', 'GPL-2.0-only'],
  ['GPLv2+', 'GPL-2.0-or-later'],
  ['AFLv2.1', 'AFL-2.1'],
  ['Mozilla Public License 2.0 (MPL 2.0)', 'MPL-2.0'],
  // versionless or ambiguous names: spdx-correct would guess a version, so the text is kept
  ['BSD License', 'BSD License'],
  ['BSD', 'BSD'],
  ['Apache Software License', 'Apache Software License'],
  ['LGPL', 'LGPL'],
  ['LGPL v3', 'LGPL v3'],
  ['LGPLv3+', 'LGPL-3.0-or-later'],
  [
    'GNU Library or Lesser General Public License (LGPL)',
    'GNU Library or Lesser General Public License (LGPL)',
  ],
  [
    'GNU Lesser General Public License v2 or later (LGPLv2+)',
    'GNU Lesser General Public License v2 or later (LGPLv2+)',
  ],
  ['Dual License', 'Dual License'],
  // npm: UNLICENSED means "all rights reserved", the opposite of the Unlicense
  ['UNLICENSED', 'UNLICENSED'],
  ['SEE LICENSE IN LICENSE.md', 'SEE LICENSE IN LICENSE.md'],
  ['proprietary', 'proprietary'],
  ['UNKNOWN', undefined],
  ['', undefined],
  ['  ', undefined],
  ['Copyright (c) 2010 Someone\n\nPermission is hereby granted…', undefined],
  ['x'.repeat(300), undefined],
];

describe('normaliseLicense', () => {
  for (const [raw, want] of CASES) {
    it(`${JSON.stringify(raw.slice(0, 40))} → ${JSON.stringify(want)}`, () => {
      assert.equal(normaliseLicense(raw), want);
    });
  }

  it('drops empties and duplicates, keeping order', () => {
    assert.deepEqual(normaliseLicenses(['MIT License', 'UNKNOWN', 'MIT', 'Ruby']), ['MIT', 'Ruby']);
  });
});
