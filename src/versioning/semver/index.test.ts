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
import { semver } from './index.js';

// https://semver.org/spec/v2.0.0.html §11 (the precedence example), in ascending order.
const SEMVER_ORG = [
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  '2.0.0',
  '2.1.0',
  '2.1.1',
];

// npm/node-semver test/fixtures/comparisons.js (strict rows) and equality.js (non-loose rows).
const NODE_SEMVER: OrderRow[] = [
  ['0.0.0', '>', '0.0.0-foo'],
  ['0.0.1', '>', '0.0.0'],
  ['1.0.0', '>', '0.9.9'],
  ['0.10.0', '>', '0.9.0'],
  ['0.99.0', '>', '0.10.0'],
  ['2.0.0', '>', '1.2.3'],
  ['v0.0.0', '>', '0.0.0-foo'],
  ['v0.0.1', '>', '0.0.0'],
  ['v1.0.0', '>', '0.9.9'],
  ['v0.10.0', '>', '0.9.0'],
  ['v0.99.0', '>', '0.10.0'],
  ['v2.0.0', '>', '1.2.3'],
  ['0.0.0', '>', 'v0.0.0-foo'],
  ['1.2.3', '>', '1.2.3-asdf'],
  ['1.2.3', '>', '1.2.3-4'],
  ['1.2.3', '>', '1.2.3-4-foo'],
  ['1.2.3-5-foo', '>', '1.2.3-5'],
  ['1.2.3-5', '>', '1.2.3-4'],
  ['1.2.3-5-foo', '>', '1.2.3-5-Foo'],
  ['3.0.0', '>', '2.7.2+asdf'],
  ['1.2.3-a.10', '>', '1.2.3-a.5'],
  ['1.2.3-a.b', '>', '1.2.3-a.5'],
  ['1.2.3-a.b', '>', '1.2.3-a'],
  ['1.2.3-a.b.c.10.d.5', '>', '1.2.3-a.b.c.5.d.100'],
  ['1.2.3-r2', '>', '1.2.3-r100'],
  ['1.2.3-r100', '>', '1.2.3-R2'],
  ['1.2.3', '=', 'v1.2.3'],
  ['1.2.3-0', '=', 'v1.2.3-0'],
  ['1.2.3-beta', '=', 'v1.2.3-beta'],
  ['1.2.3-beta+build', '=', '1.2.3-beta+otherbuild'],
  ['1.2.3+build', '=', '1.2.3+otherbuild'],
  ['  v1.2.3+build', '=', '1.2.3+otherbuild'],
  // real npm advisory versions
  ['4.17.20', '<', '4.17.21'],
  ['4.17.21', '<', '4.18.0'],
  ['1.0.0-rc.10', '>', '1.0.0-rc.9'],
  ['10.0.0-canary.1', '<', '10.0.0'],
  ['0.0.0-20230101', '<', '0.0.1'],
  ['1.2.3-alpha.1', '<', '1.2.3-alpha.1.0'],
  ['1.2.3-1', '<', '1.2.3-a'],
];

// npm/node-semver test/fixtures/invalid-versions.js and valid-versions.js: partial and loose forms are
// ranges or loose-only in npm, never versions here.
const INVALID = [
  '',
  ' ',
  'hello, world',
  'xyz',
  '1',
  '1.2',
  '1.2.x',
  '*',
  '=1.2.3',
  '= 1.2.3',
  'v 1.2.3',
  '1.2.3beta',
  '01.2.3',
  '1.02.3',
  '1.2.03',
  '1.2.3-01',
  '1.2.3-',
  '1.2.3+',
  '1.2.3-a..b',
  '1.2.3.4',
  `${'1'.repeat(256)}.0.0`,
  '90071992547409910.0.0',
  '0.90071992547409910.0',
  '>=1.2.3',
  '^1.2.3',
];

const VALID = [
  '1.0.0',
  '2.1.0',
  '3.2.1',
  'v1.2.3',
  '1.2.3-0',
  '1.2.3-123',
  '1.2.3-1.2.3',
  '1.2.3-1a',
  '1.2.3-a1',
  '1.2.3-alpha',
  '1.2.3-alpha.1',
  '1.2.3-alpha-1',
  '1.2.3-alpha-.-beta',
  '1.2.3+456',
  '1.2.3+build',
  '1.2.3+new-build',
  '1.2.3+build.1',
  '1.2.3+build.1a',
  '1.2.3+build.a1',
  '1.2.3+build.alpha.beta',
  '1.2.3-alpha+build',
];

// npm/node-semver test/fixtures/range-include.js and range-exclude.js (strict rows; rows that only
// hold because npm drops pre-releases are replaced by their includePrerelease counterparts).
const RANGES: RangeRow[] = [
  ['1.0.0 - 2.0.0', '1.2.3', true],
  ['^1.2.3+build', '1.2.3', true],
  ['^1.2.3+build', '1.3.0', true],
  ['1.2.3-pre+asdf - 2.4.3-pre+asdf', '1.2.3', true],
  ['1.2.3-pre+asdf - 2.4.3-pre+asdf', '1.2.3-pre.2', true],
  ['1.2.3-pre+asdf - 2.4.3-pre+asdf', '2.4.3-alpha', true],
  ['1.2.3+asdf - 2.4.3+asdf', '1.2.3', true],
  ['1.0.0', '1.0.0', true],
  ['>=*', '0.2.4', true],
  ['*', '1.2.3', true],
  ['>=1.0.0', '1.0.0', true],
  ['>1.0.0', '1.0.1', true],
  ['<=2.0.0', '2.0.0', true],
  ['<=2.0.0', '1.9999.9999', true],
  ['<2.0.0', '0.2.9', true],
  ['>= 1.0.0', '1.0.0', true],
  ['<\t2.0.0', '0.2.9', true],
  ['0.1.20 || 1.2.4', '1.2.4', true],
  ['>=0.2.3 || <0.0.1', '0.0.0', true],
  ['>=0.2.3 || <0.0.1', '0.2.4', true],
  ['2.x.x', '2.1.3', true],
  ['1.2.x || 2.x', '1.2.3', true],
  ['2.*.*', '2.1.3', true],
  ['2', '2.1.2', true],
  ['2.3', '2.3.1', true],
  ['~0.0.1', '0.0.2', true],
  ['~2.4', '2.4.5', true],
  ['~>3.2.1', '3.2.2', true],
  ['~1', '1.2.3', true],
  ['~1.0', '1.0.2', true],
  ['~v0.5.4-pre', '0.5.5', true],
  ['=0.7.x', '0.7.2', true],
  ['<=0.7.x', '0.6.2', true],
  ['~1.2.1 >=1.2.3', '1.2.3', true],
  ['>=1.2.1 1.2.3', '1.2.3', true],
  ['^1.2.3', '1.8.1', true],
  ['^0.1.2', '0.1.2', true],
  ['^0.0.1', '0.0.1', true],
  ['^1.2 ^1', '1.4.2', true],
  ['^1.2.3-alpha', '1.2.3-pre', true],
  ['^0.0.1-alpha', '0.0.1-beta', true],
  ['x - 1.0.0', '0.9.7', true],
  ['1.0.0 - x', '1.9.7', true],
  ['2.x', '2.1.0-pre.0', true],
  ['1.1.x', '1.1.1-a', true],
  ['~1.1', '1.1.0-a', true],
  ['^1.0.0', '1.1.0-rc1', true],
  ['1 - 2', '2.0.0-pre', true],
  ['>=1.0.0 <=1.1.0', '1.1.0-pre', true],
  ['1.0.0 - 2.0.0', '2.2.3', false],
  // with includePrerelease, node-semver's hyphenReplace widens the lower bound to `>=1.2.3-0`
  ['1.2.3+asdf - 2.4.3+asdf', '1.2.3-pre.2', true],
  ['^1.2.3+build', '2.0.0', false],
  ['^1.2.3', '1.2.3-pre', false],
  ['<=1.2.3', '1.2.4', false],
  ['1.0.0', '1.0.1', false],
  ['>=1.0.0', '0.1.0', false],
  ['<2.0.0', '2.2.9', false],
  ['0.1.20 || 1.2.4', '1.2.3', false],
  ['>=0.2.3 || <0.0.1', '0.2.2', false],
  ['1.2.* || 2.*', '3.1.3', false],
  ['~2.4', '2.5.0', false],
  ['~>3.2.1', '3.2.0', false],
  ['<1', '1.0.0', false],
  ['~v0.5.4-beta', '0.5.4-alpha', false],
  ['<0.7.x', '0.7.2', false],
  ['^0.0.1', '0.0.2-alpha', false],
  ['^1.2.3', '2.0.0-alpha', false],
  ['^1.2', '1.1.9', false],
  ['2.x', '3.0.0-pre.0', false],
  ['^1.0.0', '1.0.0-rc1', false],
  ['^1.0.0', '2.0.0-rc1', false],
  ['^1.2.3-rc2', '2.0.0', false],
  ['1 - 2', '3.0.0-pre', false],
  ['1.x', '2.0.0-a', false],
  ['>=1.0.0 <1.1.0', '1.1.0', false],
  ['>=1.0.0 <1.1.0-pre', '1.1.0-pre', false],
  // a scanner range includes pre-releases between its bounds (npm's installer would not pick them)
  ['>=1.0.0 <1.2.3', '1.2.0-beta', true],
  ['<=1.2.3', '1.2.3-beta', true],
  ['>1.2', '1.3.0-beta', true],
  // GitHub advisory database `vulnerable_version_range` spelling, commas between comparators
  ['>= 4.0.0, < 4.17.21', '4.17.20', true],
  ['>= 4.0.0, < 4.17.21', '4.17.21', false],
  ['< 2.6.7', '2.6.6', true],
  ['= 1.3.0', '1.3.0', true],
];

describe('semver scheme', () => {
  it('orders the semver.org precedence example', () => assertAscending(semver, SEMVER_ORG));

  for (const row of NODE_SEMVER) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(semver, row));
  }

  for (const text of VALID) it(`parses ${text}`, () => assert.ok(semver.parse(text), text));

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text.slice(0, 40))}`, () =>
      assert.equal(semver.parse(text), undefined));
  }

  for (const row of RANGES) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(semver, row));
  }

  it('refuses invalid ranges and empty text', () => {
    for (const text of ['', '  ', 'not a range', '>=abc', '1.2.3 ||| 2']) {
      assert.equal(semver.parseRange(text), undefined, text);
    }
  });

  it('matches a GHSA npm advisory through an OSV range (lodash, GHSA-35jh-r3h4-6jhm)', () => {
    const range = parseOsvRange(semver, [{ introduced: '0' }, { fixed: '4.17.21' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(semver.satisfies(semver.parse('4.17.20')!, range), true);
    assert.equal(semver.satisfies(semver.parse('4.17.21-rc.1')!, range), true);
    assert.equal(semver.satisfies(semver.parse('4.17.21')!, range), false);
  });
});
