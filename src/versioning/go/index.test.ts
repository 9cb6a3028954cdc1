import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertAscending,
  assertOrder,
  assertSatisfies,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { go } from './index.js';

// golang.org/x/mod semver/semver_test.go `tests` (ascending; TestCompare relies on the order), the
// canonical module versions only: x/mod accepts `v1` and `v1.2` and strips build metadata, but no
// module version is written that way.
const X_MOD_SEMVER = [
  'v1.0.0-alpha',
  'v1.0.0-alpha.1',
  'v1.0.0-alpha.beta',
  'v1.0.0-beta',
  'v1.0.0-beta.2',
  'v1.0.0-beta.11',
  'v1.0.0-rc.1',
  'v1.0.0',
  'v1.2.0',
  'v1.2.3-456',
  'v1.2.3-456.789',
  'v1.2.3-456-789',
  'v1.2.3-456a',
  'v1.2.3-pre',
  'v1.2.3-pre.1',
  'v1.2.3-zzz',
  'v1.2.3',
];

// golang.org/x/mod module/pseudo_test.go pseudoTests: each pseudo-version sorts after the version it
// was derived from (`older`) and before that version's next release.
const PSEUDO: OrderRow[] = [
  ['v0.0.0-20060102150405-hash', '<', 'v0.0.0'],
  ['v0.0.0', '<', 'v0.0.1-0.20060102150405-hash'],
  ['v1.2.3', '<', 'v1.2.4-0.20060102150405-hash'],
  ['v1.2.4-0.20060102150405-hash', '<', 'v1.2.4'],
  ['v1.2.3-pre', '<', 'v1.2.3-pre.0.20060102150405-hash'],
  ['v1.2.3-pre.0.20060102150405-hash', '<', 'v1.2.3'],
  ['v1.3.0-pre', '<', 'v1.3.0-pre.0.20060102150405-hash'],
  ['v2.0.0+incompatible', '<', 'v2.0.1-0.20060102150405-hash+incompatible'],
  ['v2.3.0-pre+incompatible', '<', 'v2.3.0-pre.0.20060102150405-hash+incompatible'],
  ['v1.2.100000000000000000-0.20060102150405-hash', '>', 'v1.2.99999999999999999'],
];

// grype grype/version/golang_version_test.go (TestGolangVersion_Compare) and real Go vulndb versions.
const GRYPE_AND_VULNDB: OrderRow[] = [
  ['v1.2.3', '=', 'v1.2.3'],
  ['v3.2.0+incompatible', '=', 'v3.2.0+incompatible'],
  ['go1.24.1', '=', 'go1.24.1'],
  ['v1.2.3', '<', 'v1.2.4'],
  ['go1.23.1', '<', 'go1.24.1'],
  ['v3.1.0+incompatible', '<', 'v3.2.0+incompatible'],
  ['v1.3.4', '>', 'v1.2.4'],
  ['v0.0.0-20180116102854-5a71ef0e047d', '<', 'v0.0.0-20190116102854-somehash'],
  ['v0.0.0-20180216102854-5a71ef0e047d', '>', 'v0.0.0-20180116102854-somehash'],
  ['v0.0.0-20180116102854-5a71ef0e047d', '<', 'v0.0.1'],
  ['v2.1.0', '>', 'v0.0.0-20180116102854-5a71ef0e047d'],
  ['v0.0.0-20170116102854-1ef0e047d5a7', '<', 'v0.0.0-20180116102854-5a71ef0e047d'],
  ['v3.2.0', '=', 'v3.2.0+incompatible'],
  // OSV's Go ecosystem drops the "v"; golang.org/x/vuln GoTagToSemver for toolchain tags
  ['1.2.3', '=', 'v1.2.3'],
  ['0.17.0', '>', 'v0.0.0-20231110203233-9a3e6036ecaa'],
  ['go1', '=', '1.0.0'],
  ['go1.21', '=', '1.21.0'],
  ['go1.21.3', '=', '1.21.3'],
  ['go1.21rc2', '=', '1.21.0-rc.2'],
  ['go1.21rc2', '<', 'go1.21.0'],
  ['go1.22rc1', '>', 'go1.21.9'],
  ['go1.9.2rc2', '=', '1.9.2-rc.2'],
  ['go1.14beta1', '=', 'v1.14.0-beta.1'],
  ['go1.21-pre1', '=', '1.21.0-pre.1'],
  ['1.21.0-0', '<', 'go1.21rc1'],
  ['1.20.5', '<', '1.20.6'],
  ['0.0.0-20191109021931-daa7c04131f5', '<', '0.0.0-20200101000000-000000000000'],
  ['0.23.0', '>', '0.0.0-20240101000000-abcdef123456'],
];

const INVALID = [
  '',
  'bad',
  '(devel)',
  'v1',
  'v1.2',
  'v1-alpha.beta.gamma',
  'v1-pre',
  'v1+meta',
  'v1.2-pre',
  'v1.2+meta',
  'v1.2.3+meta',
  'v1.2.3-pre+meta',
  'v1.2.3+meta-pre.sha.256a',
  'v1.0.0+incompatible',
  'v0.3.0+incompatible',
  'v01.2.3',
  'v1.02.3',
  'v1.2.3-01',
  'v1.2.3-',
  'v1.2.3-a..b',
  'V1.2.3',
  ' v1.2.3',
  'v1.2.3 ',
  'vv1.2.3',
  'go1.0',
  'go',
  'go2',
  'go1.21.0rc',
  'go1.021',
  'golang1.21',
  'latest',
];

// grype grype/version/golang_version_test.go (TestGolangVersion_Constraint) and x/vuln-style ranges.
const RANGES: RangeRow[] = [
  ['< v1.2.4', 'v1.2.3', true],
  ['< v1.2.3', 'v1.2.3', false],
  ['>= v1.2.3, < v1.3.0', 'v1.3.0', false],
  ['>= v2.0.0, < v3.0.0', 'v2.3.1+incompatible', true],
  ['< go1.21.3', 'go1.21.1', true],
  ['>= 1.21.0-0, < 1.21.3', 'go1.21rc2', true],
  ['< v0.0.0-20200101000000-abcdefabcdef', 'v0.0.0-20191109021931-daa7c04131f5', true],
  ['> 1.0.0, < 1.5.0 || >= 2.0.0', '2.1.0', true],
  ['> 1.0.0, < 1.5.0 || >= 2.0.0', '1.7.0', false],
];

describe('go scheme', () => {
  it('orders the x/mod semver test list', () => assertAscending(go, X_MOD_SEMVER));

  for (const row of [...PSEUDO, ...GRYPE_AND_VULNDB]) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(go, row));
  }

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(go.parse(text), undefined));
  }

  for (const row of RANGES) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(go, row));
  }

  it('matches a Go vulndb entry through an OSV range (stdlib, GO-2023-2102)', () => {
    const range = parseOsvRange(go, [
      { introduced: '0' },
      { fixed: '1.20.10' },
      { introduced: '1.21.0-0' },
      { fixed: '1.21.3' },
    ]);
    assert.ok(range, 'the OSV range parses');
    for (const [v, want] of [
      ['go1.20.9', true],
      ['go1.20.10', false],
      ['go1.21rc2', true],
      ['go1.21.2', true],
      ['go1.21.3', false],
      ['go1.22.0', false],
    ] as const) {
      assert.equal(go.satisfies(go.parse(v)!, range), want, v);
    }
  });
});
