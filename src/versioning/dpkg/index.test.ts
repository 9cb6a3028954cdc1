import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertOrder,
  assertSatisfies,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { dpkg } from './index.js';

// dpkg lib/dpkg/t/t-version.c (test_version_compare, test_version_relate, test_version_parse)
const T_VERSION: OrderRow[] = [
  ['0', '=', '0:0'],
  ['0:0-0', '=', '0:0-0'],
  ['0:0-00', '=', '0:00-0'],
  ['1:2-3', '=', '1:2-3'],
  ['0:0-0', '<', '1:0-0'],
  ['0:1a-0', '<', '0:1b-0'], // t-version.c compares the objects (0, "a", "0") and (0, "b", "0"), which do not parse
  ['0:0-a', '<', '0:0-b'],
  ['0:1-1', '<', '0:2-1'],
  ['0:1-1', '<', '0:1-2'],
  ['1:0', '=', '1:0'],
  ['5:1', '=', '5:1'],
  ['0:0-0-0', '=', '0-0-0'],
  ['0:0:0-0', '=', '0:0:0-0'],
  ['  \t0:0-1', '=', '0:0-1'],
  ['0:0-1\t  ', '=', '0:0-1'],
];

// Debian Policy §5.6.12: "~~ < ~~a < ~ < (empty) < a", letters before non-letters, numbers numerically.
const POLICY: OrderRow[] = [
  ['1.0~~', '<', '1.0~~a'],
  ['1.0~~a', '<', '1.0~'],
  ['1.0~', '<', '1.0'],
  ['1.0', '<', '1.0a'],
  ['1.0~rc1', '<', '1.0'],
  ['1.0~rc1', '<', '1.0~rc2'],
  ['1.0~beta1~svn1245', '<', '1.0~beta1'],
  ['1.0a', '<', '1.0+'],
  ['1.0a', '<', '1.0.'],
  ['1.0+', '<', '1.0.'],
  ['1.0Z', '<', '1.0a'],
  ['1.2', '<', '1.10'],
  ['1.002', '=', '1.2'],
  ['1.0', '=', '1.0-0'],
  ['1.0', '=', '1.00'],
  ['1.0-1', '<', '1.0-1.1'],
  ['1.0-1', '<', '1.0-1+b1'],
  ['1.0-1+b1', '<', '1.0-1.1'],
  ['1:0.1', '>', '2.0'],
  ['2:0.1', '>', '1:9.9'],
  ['0:1.0', '=', '1.0'],
  ['00:1.0', '=', '1.0'],
];

// grype grype/version/deb_version_test.go (TestDebVersion_Compare_Epochs) and real Debian/Ubuntu
// security versions (DSA/USN fixed versions against installed versions).
const REAL_WORLD: OrderRow[] = [
  ['1:0', '>', '0:1'],
  ['1:2', '>', '1:1'],
  ['0:4.19.1-1', '<', '2:4.19.1-1'],
  ['2:1.0-1', '=', '2:1.0-1'],
  ['1:0', '>', '1'],
  ['2:4.19.01-1', '>', '4.19.1-1'],
  ['4.19.01-1', '<', '2:4.19.1-1'],
  ['4.19.0-1', '<', '12:4.19.0-1'],
  ['3:4.19.0-1', '>', '4.21.0-1'],
  ['1.0-1', '=', '0:1.0-1'],
  ['1.0~rc1-1', '<', '1.0-1'],
  ['2.3.1-1ubuntu0.14.04.1', '>', '2.3.1'],
  ['2.3.1-1ubuntu0.14.04.1', '<', '2.3.2'],
  ['7u151-2.6.11-2ubuntu0.14.04.1', '<', '7u152'],
  ['7u151-2.6.11-2ubuntu0.14.04.1', '>', '7u151-2.6.11'],
  ['43.0.2357.81-0ubuntu0.14.04.1.1089', '<', '43.0.2357.82-0ubuntu0.14.04.1.1089'],
  ['1.5.4-2+deb9u1', '=', '0:1.5.4-2+deb9u1'],
  ['8.3.1-5ubuntu1.40', '>', '0:8.3.1-5ubuntu1.5'],
  ['3.0.11-1~deb12u2', '<', '3.0.13-1~deb12u1'],
  ['3.0.13-1~deb12u1', '<', '3.0.13-1'],
  ['1.1.1n-0+deb11u3', '<', '1.1.1n-0+deb11u4'],
  ['1.1.1n-0+deb11u5', '>', '1.1.1n-0+deb11u4'],
  ['2.36-9+deb12u4', '<', '2.36-9+deb12u7'],
  ['2.36-9+deb12u10', '>', '2.36-9+deb12u9'],
  ['7.88.1-10+deb12u5', '<', '7.88.1-10+deb12u8'],
  ['1:9.18.24-1', '<', '1:9.18.28-1~deb12u2'],
  ['1:2.39.2-1.1', '>', '2.45-1'],
  ['252.22-1~deb12u1', '<', '252.30-1~deb12u2'],
  ['5.2.15-2+b2', '<', '5.2.15-2+b7'],
  ['5.2.15-2+b7', '<', '5.2.15-3'],
  ['1.2.13.dfsg-1', '<', '1:1.2.13.dfsg-1'],
  ['2.9.14+dfsg-1.3~deb12u1', '<', '2.9.14+dfsg-1.3~deb12u2'],
  ['6.1.0-18', '<', '6.1.0-21'],
  ['6.1.76-1', '>', '6.1.0-18'],
  ['2.2.4-1ubuntu1', '<', '2.2.4-1ubuntu1.1'],
  ['2.2.4-1ubuntu1.1', '<', '2.2.4-1ubuntu2'],
  ['1.17.1-1ubuntu0.3', '<', '1.17.1-1ubuntu0.10'],
  ['3.0.2-0ubuntu1.15', '<', '3.0.2-0ubuntu1.16'],
  ['1.21.1-3~bpo11+1', '<', '1.21.1-3'],
  ['20230311', '<', '20240206'],
  ['0.0~git20230112.e7a2c0f-1', '<', '0.0~git20240101.abcdef0-1'],
  ['0.0~git20230112.e7a2c0f-1', '<', '0.1-1'],
  ['1.0+really0.9-1', '>', '1.0-1'],
];

// Versions dpkg refuses (errors, or "bad syntax" warnings): t-version.c plus Policy §5.6.12.
const INVALID = [
  '',
  '  ',
  '0:',
  '0:0-',
  '1.0-',
  '0:0 0-1',
  '1.0 1',
  '-1:0-1',
  '999999999999999999999999:0-1',
  'a:0-0',
  'A:0-0',
  ':1.0',
  '+1:1.0',
  '-0',
  '0:-0',
  '0:abc3-0',
  'abc',
  'v1.0',
  '~1',
  '.1',
  '1.0_1',
  '1.0!',
  '1.0#',
  '1.0@1',
  '1.0/1',
  '1.0(1)',
  '1.0,1',
  '1.0=1',
  '1.0*',
  "1.0'",
  '0:0-0:0',
  '1.0-1_2',
  '1.0-1-',
  '1.0-1!',
  '>= 1.0',
];

// grype grype/version/deb_version_test.go (TestDebVersion_Constraint), strict `<`/`>` written as `<<`/`>>`.
const RELATIONS: RangeRow[] = [
  ['>> 1.0.0, << 2.0.0', '2.3.1', false],
  ['>> 1.0.0, << 2.0.0', '1.3.1', true],
  ['>> 1.0.0, <= 2.0.0', '2.0.0', true],
  ['>> 1.0.0, << 2.0.0', '2.0.0', false],
  ['>= 1.0.0, << 2.0.0', '1.0.0', true],
  ['>> 1.0.0, << 2.0.0', '1.0.0', false],
  ['>> 1.0.0, << 2.0.0', '0.9.0', false],
  ['>> 0.1.0, << 0.5.0 || >> 1.0.0, << 2.0.0', '1.5.0', true],
  ['>> 0.1.0, << 0.5.0 || >> 1.0.0, << 2.0.0', '0.2.0', true],
  ['>> 0.1.0, << 0.5.0 || >> 1.0.0, << 2.0.0', '0.0.1', false],
  ['>> 0.1.0, << 0.5.0 || >> 1.0.0, << 2.0.0', '0.6.0', false],
  ['>> 0.1.0, << 0.5.0 || >> 1.0.0, << 2.0.0', '2.5.0', false],
  ['<< 2.0.0', '2.3.1', false],
  ['<< 2.0', '2.3.1', false],
  ['<< 2', '2.3.1', false],
  ['<< 2.3', '2.3.1', false],
  ['<< 2.3.1', '2.3.1', false],
  ['<< 2.3.2', '2.3.1', true],
  ['<< 2.4', '2.3.1', true],
  ['<< 3', '2.3.1', true],
  ['<<2.3', '2.3.1-1ubuntu0.14.04.1', false],
  ['<<2.3.2', '2.3.1-1ubuntu0.14.04.1', true],
  ['<< 7u151-2.6.11-2ubuntu0.14.04.1', '7u151-2.6.11-2ubuntu0.14.04.1', false],
  ['<< 7u151-2.6.11', '7u151-2.6.11-2ubuntu0.14.04.1', false],
  ['<< 7u152', '7u151-2.6.11-2ubuntu0.14.04.1', true],
  ['<< 8u1-2.6.11-2ubuntu0.14.04.1', '7u151-2.6.11-2ubuntu0.14.04.1', true],
  ['<<43.0.2357.81-0ubuntu0.14.04.1.1089', '43.0.2357.81-0ubuntu0.14.04.1.1089', false],
  ['<<43.1-0ubuntu0.14.04.1.1089', '43.0.2357.81-0ubuntu0.14.04.1.1089', true],
  ['<< 0:1', '1:0', false],
  ['<< 2:4.19.1-1', '2:4.19.01-1', false],
  ['<= 2:4.19.1-1', '2:4.19.01-1', true],
  ['<< 12:4.19.0-1', '11:4.19.0-1', true],
  ['= 0', '0:0', true],
  ['<< 2:1.0', '1.0', true],
  ['<< 4.19.1-1', '2:4.19.01-1', false],
  ['<< 0:1.5.4-2+deb9u1', '1.5.4-2+deb9u1', false],
  ['<= 0:1.5.4-2+deb9u1', '1.5.4-2+deb9u1', true],
  ['<< 1:1.5.4-2+deb9u1', '1.5.4-2+deb9u1', true],
  ['<< 0:8.3.1-5ubuntu2', '8.3.1-5ubuntu1', true],
  ['<< 0:8.3.1-5ubuntu1.5', '8.3.1-5ubuntu1.40', false],
];

describe('dpkg scheme', () => {
  for (const row of [...T_VERSION, ...POLICY, ...REAL_WORLD]) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(dpkg, row));
  }

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(dpkg.parse(text), undefined));
  }

  for (const row of RELATIONS) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(dpkg, row));
  }

  it('keeps the raw text and names its scheme', () => {
    const v = dpkg.parse(' 1:2.30-1+deb12u1 ');
    assert.equal(v?.raw, ' 1:2.30-1+deb12u1 ');
    assert.equal(v?.scheme, 'dpkg');
    assert.equal(String(v), ' 1:2.30-1+deb12u1 ');
  });

  it('refuses the obsolete < and > relations, and non-ranges', () => {
    for (const text of ['< 1.0', '> 1.0', '<1.0', '', '||', '>= 1.0,', '>= abc', '1.0 |']) {
      assert.equal(dpkg.parseRange(text), undefined, text);
    }
    assert.ok(dpkg.parseRange('1.0'), 'a bare version means =');
  });

  it('matches a Debian tracker fix through an OSV range (source package openssl, bookworm)', () => {
    const range = parseOsvRange(dpkg, [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(dpkg.satisfies(dpkg.parse('3.0.11-1~deb12u2')!, range), true);
    assert.equal(dpkg.satisfies(dpkg.parse('3.0.13-1~deb12u1')!, range), false);
    assert.equal(dpkg.satisfies(dpkg.parse('3.0.15-1~deb12u1')!, range), false);
  });
});
