import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertOrder,
  assertSatisfies,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { gem } from './index.js';

// rubygems test/rubygems/test_gem_version.rb (test_spaceship, test_semver, test_equals2,
// test_initialize, test_frozen_version, test_release, test_bump via ~>).
const TEST_GEM_VERSION: OrderRow[] = [
  ['1.0', '=', '1.0.0'],
  ['1.0', '>', '1.0.a'],
  ['1.8.2', '>', '0.0.0'],
  ['1.8.2', '>', '1.8.2.a'],
  ['1.8.2.b', '>', '1.8.2.a'],
  ['1.8.2.a', '<', '1.8.2'],
  ['1.8.2.a10', '>', '1.8.2.a9'],
  ['0.beta.1', '=', '0.0.beta.1'],
  ['0.0.beta', '<', '0.0.beta.1'],
  ['0.0.beta', '<', '0.beta.1'],
  ['5.a', '<', '5.0.0.rc2'],
  ['5.x', '>', '5.0.0.rc2'],
  ['1.9.3', '=', '1.9.3'],
  ['1.9.3', '>', '1.9.2.99'],
  ['1.9.3', '<', '1.9.3.1'],
  ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
  ['1.0.0-alpha.1', '<', '1.0.0-beta.2'],
  ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
  ['1.0.0-beta.11', '<', '1.0.0-rc.1'],
  ['1.0.0-rc1', '<', '1.0.0'],
  ['1.0.0-1', '<', '1'],
  ['1.2', '=', '1.2'],
  ['1.2', '<', '1.3'],
  ['1.2.b1', '=', '1.2.b.1'],
  ['1.0', '=', '1.0 '],
  ['1.0', '=', ' 1.0 '],
  ['1.0', '=', '1.0\n'],
  ['1.0', '=', '\n1.0\n'],
  ['1.freeze.test', '<', '1'],
  ['1.2.pre.1', '=', '1.2.0.pre.1.0'],
  ['1.2.3-1', '=', '1.2.3.pre.1'],
  ['1.0.0.a.1.0', '=', '1.a.1'],
];

// Real RubyGems versions from GitHub advisories (rails, nokogiri, rack) and pre-release spellings.
const REAL_WORLD: OrderRow[] = [
  ['7.0.8', '<', '7.0.8.1'],
  ['7.0.8.1', '<', '7.1.0'],
  ['7.1.0.beta1', '<', '7.1.0.rc1'],
  ['7.1.0.rc2', '<', '7.1.0'],
  ['6.1.7.6', '<', '6.1.7.7'],
  ['1.15.4', '<', '1.15.5'],
  ['1.16.0.rc1', '<', '1.16.0'],
  ['2.2.6.4', '>', '2.2.6'],
  ['3.0.0.beta1', '<', '3.0.0'],
  ['2.0.0.pre', '<', '2.0.0.rc1'],
  ['1.0.0.pre', '<', '1.0.0'],
  ['0.9.9', '<', '0.10.0'],
  ['10.0', '>', '9.99'],
  ['1.a', '<', '1.b'],
  ['1.A', '<', '1.a'],
];

// test_gem_version.rb test_initialize_invalid (incl. the CVE-2013-4287 string), and blank text, which
// RubyGems reads as "0" but which is never a version here.
const INVALID = [
  'junk',
  '1.0\n2.0',
  '1..2',
  '1.2 3.4',
  '2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.',
  '',
  '   ',
  ' ',
  'v1.0',
  '1.0.',
  '.1',
  '1.0-',
  '1.0_1',
  '~> 1.0',
  '>= 1',
];

// rubygems test/rubygems/test_gem_requirement.rb (test_satisfied_by_eh_*, test_bad,
// test_satisfied_by_boxed, test_satisfied_by_explicitly_bounded, test_satisfied_by_eh_multiple).
const REQUIREMENTS: RangeRow[] = [
  ['!= 1.2', '1.1', true],
  ['!= 1.2', '1.2', false],
  ['!= 1.2', '1.3', true],
  ['= 1.2', '1.1', false],
  ['= 1.2', '1.2', true],
  ['1.2', '1.2', true],
  ['1.2', '1.3', false],
  ['> 1.2', '1.2', false],
  ['> 1.2', '1.3', true],
  ['>= 1.2', '1.1', false],
  ['>= 1.2', '1.2', true],
  ['< 1.2', '1.1', true],
  ['< 1.2', '1.2', false],
  ['<= 1.2', '1.2', true],
  ['<= 1.2', '1.3', false],
  ['~> 1.2', '1.1', false],
  ['~> 1.2', '1.2', true],
  ['~> 1.2', '1.3', true],
  ['~> 0.0.1', '0.1.1', false],
  ['~> 0.0.1', '0.0.2', true],
  ['~> 0.0.1', '0.0.1', true],
  ['= 0.2.33', '0.2.33', true],
  ['> 0.2.33', '0.2.34', true],
  ['= 1.0', '1.0.0', true],
  ['= 1.0.0', '1.0', true],
  ['> 1.8.0', '1.8.2', true],
  ['> 1.111', '1.112', true],
  ['> 0.0.0', '0.0.0.0.0.2', true],
  ['> 0.0.0.1', '0.0.1.0', true],
  ['> 9.3.2', '10.3.2', true],
  ['= 1.0', '1.0.0.0', true],
  ['!= 9.3.4', '10.3.2', true],
  ['>= 9.3.2', ' 9.3.2', true],
  ['>= 9.3.2', '9.3.2 ', true],
  ['< 3.2.rc1', '3.1', true],
  ['> 3.2.0.rc1', '3.2.0', true],
  ['> 3.2.0.rc1', '3.2.0.rc2', true],
  ['< 3.0', '3.0.rc2', true],
  ['< 3.0.0', '3.0.rc2', true],
  ['< 3.0.1', '3.0.rc2', true],
  ['> 0', '3.0.rc2', true],
  ['~> 5.a', '5.0.0.rc2', true],
  ['~> 5.x', '5.0.0.rc2', false],
  ['~> 5.a', '5.0.0', true],
  ['~> 5.x', '5.0.0', true],
  ['~> 1.4', '1.3', false],
  ['~> 1.4', '1.4', true],
  ['~> 1.4', '1.4.0', true],
  ['~> 1.4', '1.5', true],
  ['~> 1.4', '2.0', false],
  ['~> 1.4.4', '1.3', false],
  ['~> 1.4.4', '1.4', false],
  ['~> 1.4.4', '1.4.4', true],
  ['~> 1.4.4', '1.4.5', true],
  ['~> 1.4.4', '1.5', false],
  ['~> 1.4.4', '2.0', false],
  ['~> 1.0.0', '1.1.pre', false],
  ['~> 1.1', '1.1.pre', false],
  ['~> 1.0', '2.0.a', false],
  ['~> 2.0', '2.0.a', false],
  ['~> 1', '0.9', false],
  ['~> 1', '1.0', true],
  ['~> 1', '1.1', true],
  ['~> 1', '2.0', false],
  ['>= 1.4, <= 1.6, != 1.5', '1.3', false],
  ['>= 1.4, <= 1.6, != 1.5', '1.4', true],
  ['>= 1.4, <= 1.6, != 1.5', '1.5', false],
  ['>= 1.4, <= 1.6, != 1.5', '1.6', true],
  ['>= 1.4, <= 1.6, != 1.5', '1.7', false],
  ['>= 1.4.4, < 1.5', '1.4.5', true],
  ['>= 1.4.4, < 1.5', '1.5.0.rc1', true],
  ['>= 1.4.4, < 1.5', '1.5.0', false],
  ['>= 1.4.4, < 1.5.a', '1.4.5', true],
  ['>= 1.4.4, < 1.5.a', '1.5.0.rc1', false],
  ['!= 1.2.3', '1.2.3', false],
  ['!= 1.02.3', '1.2.003.0.0', false],
  ['< 1.2.3', '4.5.6', false],
  ['> 1.1', '1.0', false],
  ['> 1.1.1', '1.1.1', false],
  ['= 1.1', '1.2', false],
  ['= 1.1', '1.40', false],
  ['= 1.40', '1.3', false],
  ['<= 9.3.2', '9.3.3', false],
  ['>= 9.3.2', '9.3.1', false],
  ['<= 9.3.2', '9.3.03', false],
  ['= 1.0', '1.0.0.1', false],
  // GitHub advisory database `vulnerable_version_range` for RubyGems, and `||` alternatives
  ['>= 7.1.0, < 7.1.3.1', '7.1.3', true],
  ['>= 7.1.0, < 7.1.3.1', '7.1.3.1', false],
  ['< 6.1.7.7 || >= 7.0.0, < 7.0.8.1', '7.0.8', true],
  ['< 6.1.7.7 || >= 7.0.0, < 7.0.8.1', '6.1.7.7', false],
];

// test_gem_requirement.rb test_illformed_requirements.
const INVALID_REQUIREMENTS = ['>>> 1.3.5', '> blah', '', '>= 1.0,', '=> 1.0', '~ 1.0'];

describe('gem scheme', () => {
  for (const row of [...TEST_GEM_VERSION, ...REAL_WORLD]) {
    it(`${JSON.stringify(row[0])} ${row[1]} ${JSON.stringify(row[2])}`, () => assertOrder(gem, row));
  }

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(gem.parse(text), undefined));
  }

  for (const row of REQUIREMENTS) {
    it(`${JSON.stringify(row[1])} in ${row[0]}: ${row[2]}`, () => assertSatisfies(gem, row));
  }

  for (const text of INVALID_REQUIREMENTS) {
    it(`does not parse the requirement ${JSON.stringify(text)}`, () =>
      assert.equal(gem.parseRange(text), undefined));
  }

  it('matches a RubyGems advisory through an OSV range (rack, CVE-2024-26146)', () => {
    const range = parseOsvRange(gem, [{ introduced: '2.2.0' }, { fixed: '2.2.8.1' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(gem.satisfies(gem.parse('2.2.8')!, range), true);
    assert.equal(gem.satisfies(gem.parse('2.2.8.1')!, range), false);
    assert.equal(gem.satisfies(gem.parse('2.1.4')!, range), false);
  });
});
