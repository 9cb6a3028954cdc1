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
import { canonical, parseComparableVersion } from './comparable-version.js';
import { maven } from './index.js';

// Maven 3.9.x maven-artifact ComparableVersionTest.java: VERSIONS_QUALIFIER and VERSIONS_NUMBER.
const VERSIONS_QUALIFIER = [
  '1-alpha2snapshot',
  '1-alpha2',
  '1-alpha-123',
  '1-beta-2',
  '1-beta123',
  '1-m2',
  '1-m11',
  '1-rc',
  '1-cr2',
  '1-rc123',
  '1-SNAPSHOT',
  '1',
  '1-sp',
  '1-sp2',
  '1-sp123',
  '1-abc',
  '1-def',
  '1-pom-1',
  '1-1-snapshot',
  '1-1',
  '1-2',
  '1-123',
];
const VERSIONS_NUMBER = [
  '2.0',
  '2.0.a',
  '2-1',
  '2.0.2',
  '2.0.123',
  '2.1.0',
  '2.1-a',
  '2.1b',
  '2.1-c',
  '2.1-1',
  '2.1.0.1',
  '2.2',
  '2.123',
  '11.a2',
  '11.a11',
  '11.b2',
  '11.b11',
  '11.m2',
  '11.m11',
  '11',
  '11.a',
  '11b',
  '11c',
  '11m',
];

// ComparableVersionTest.java: testVersionsEqual, testVersionComparing, testMng5568, testMng6572,
// testMng6964, testLocaleIndependent.
const COMPARABLE_VERSION_TEST: OrderRow[] = [
  ['1', '=', '1'],
  ['1', '=', '1.0'],
  ['1', '=', '1.0.0'],
  ['1.0', '=', '1.0.0'],
  ['1', '=', '1-0'],
  ['1', '=', '1.0-0'],
  ['1.0', '=', '1.0-0'],
  ['1a', '=', '1-a'],
  ['1a', '=', '1.0-a'],
  ['1a', '=', '1.0.0-a'],
  ['1.0a', '=', '1-a'],
  ['1.0.0a', '=', '1-a'],
  ['1x', '=', '1-x'],
  ['1x', '=', '1.0-x'],
  ['1x', '=', '1.0.0-x'],
  ['1.0x', '=', '1-x'],
  ['1.0.0x', '=', '1-x'],
  ['1ga', '=', '1'],
  ['1release', '=', '1'],
  ['1final', '=', '1'],
  ['1cr', '=', '1rc'],
  ['1a1', '=', '1-alpha-1'],
  ['1b2', '=', '1-beta-2'],
  ['1m3', '=', '1-milestone-3'],
  ['1X', '=', '1x'],
  ['1A', '=', '1a'],
  ['1B', '=', '1b'],
  ['1M', '=', '1m'],
  ['1Ga', '=', '1'],
  ['1GA', '=', '1'],
  ['1RELEASE', '=', '1'],
  ['1RELeaSE', '=', '1'],
  ['1Final', '=', '1'],
  ['1FinaL', '=', '1'],
  ['1FINAL', '=', '1'],
  ['1Cr', '=', '1Rc'],
  ['1cR', '=', '1rC'],
  ['1m3', '=', '1Milestone3'],
  ['1m3', '=', '1MileStone3'],
  ['1m3', '=', '1MILESTONE3'],
  ['1-abcdefghijklmnopqrstuvwxyz', '=', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['1', '<', '2'],
  ['1.5', '<', '2'],
  ['1', '<', '2.5'],
  ['1.0', '<', '1.1'],
  ['1.1', '<', '1.2'],
  ['1.0.0', '<', '1.1'],
  ['1.0.1', '<', '1.1'],
  ['1.1', '<', '1.2.0'],
  ['1.0-alpha-1', '<', '1.0'],
  ['1.0-alpha-1', '<', '1.0-alpha-2'],
  ['1.0-alpha-1', '<', '1.0-beta-1'],
  ['1.0-beta-1', '<', '1.0-SNAPSHOT'],
  ['1.0-SNAPSHOT', '<', '1.0'],
  ['1.0-alpha-1-SNAPSHOT', '<', '1.0-alpha-1'],
  ['1.0', '<', '1.0-1'],
  ['1.0-1', '<', '1.0-2'],
  ['1.0.0', '<', '1.0-1'],
  ['2.0-1', '<', '2.0.1'],
  ['2.0.1-klm', '<', '2.0.1-lmn'],
  ['2.0.1', '<', '2.0.1-xyz'],
  ['2.0.1', '<', '2.0.1-123'],
  ['2.0.1-xyz', '<', '2.0.1-123'],
  ['6.1.0rc3', '<', '6.1.0'],
  ['6.1.0rc3', '<', '6.1H.5-beta'],
  ['6.1.0', '<', '6.1H.5-beta'],
  ['20190126.230843', '<', '1234567890.12345'],
  ['1234567890.12345', '<', '123456789012345.1H.5-beta'],
  ['20190126.230843', '<', '123456789012345.1H.5-beta'],
  ['123456789012345.1H.5-beta', '<', '12345678901234567890.1H.5-beta'],
  ['1234567890.12345', '<', '12345678901234567890.1H.5-beta'],
  ['20190126.230843', '<', '12345678901234567890.1H.5-beta'],
  ['1-0.alpha', '<', '1'],
  ['1-0.beta', '<', '1'],
  ['1-0.alpha', '<', '1-0.beta'],
];

// ComparableVersionTest.java testMng7644: 1.0.0.X1 < 1.0.0-X2, and 2-X = 2.0.X = 2.0.0.X, for any X.
const MNG_7644: OrderRow[] = ['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC'].flatMap(
  (x): OrderRow[] => [
    [`1.0.0.${x}1`, '<', `1.0.0-${x}2`],
    [`2-${x}`, '=', `2.0.${x}`],
    [`2-${x}`, '=', `2.0.0.${x}`],
    [`2.0.${x}`, '=', `2.0.0.${x}`],
  ],
);

// ComparableVersionTest.java testVersionEqualWithLeadingZeroes / testVersionZeroEqualWithLeadingZeroes.
const LEADING_ZEROES: OrderRow[] = Array.from({ length: 19 }, (_, i): OrderRow[] => [
  [`${'0'.repeat(i)}1`, '=', '1'],
  ['0'.repeat(i + 1), '=', '0'],
]).flat();

// grype grype/version/maven_version_test.go and real Maven Central versions from GHSA advisories.
const REAL_WORLD: OrderRow[] = [
  ['2.414.2-cb-5', '>', '2.414.2'],
  ['5.2.25.RELEASE', '=', '5.2.25'],
  ['5.3.17', '<', '5.3.18'],
  ['5.3.18', '>', '5.2.25.RELEASE'],
  ['2.14.1', '<', '2.15.0'],
  ['2.15.0', '<', '2.16.0'],
  ['2.17.0', '<', '2.17.1'],
  ['2.0-beta9', '<', '2.0-rc1'],
  ['2.0-rc2', '<', '2.0'],
  ['2.9.10.7', '<', '2.9.10.8'],
  ['2.9.10.8', '<', '2.10.0'],
  ['2.13.4.2', '>', '2.13.4'],
  ['31.1-jre', '<', '32.0.0-android'],
  ['31.1-android', '<', '31.1-jre'],
  ['1.2.17', '<', '1.2.18'],
  ['9.4.43.v20210629', '<', '9.4.44.v20210927'],
  ['4.1.86.Final', '<', '4.1.94.Final'],
  ['4.1.94.Final', '=', '4.1.94'],
  ['3.0.0-M1', '<', '3.0.0'],
  ['3.0.0-M9', '<', '3.0.0-M10'],
  ['1.0.0-SNAPSHOT', '<', '1.0.0'],
  ['1.0.0-SNAPSHOT', '>', '1.0.0-RC1'],
  ['1.0.0.CR1', '<', '1.0.0.GA'],
  ['6.0.0.Alpha1', '<', '6.0.0.Beta1'],
  ['3.9.6', '<', '4.0.0-alpha-2'],
  ['4.0.0-alpha-2', '<', '4.0.0-beta-3'],
];

// Maven orders any string, so only what would be a defect in data is refused.
const INVALID = [
  '',
  ' ',
  '1.0 ',
  ' 1.0',
  '1. 0',
  '1.0\t',
  '1.0\n',
  '[1.0]',
  '(1.0,2.0)',
  '1.0,2.0',
  '١.٢',
  '>=1.0',
  '~1.2',
  '^1.2',
  '!1',
];

// Maven 3.9.x VersionRangeTest.java (testRange, testContains, testReleaseRangeBoundsContainsSnapshots,
// testSnapshotRangeBoundsCanContainSnapshots) and grype maven_version_test.go.
const RANGES: RangeRow[] = [
  ['(,1.0]', '1.0', true],
  ['(,1.0]', '0.9', true],
  ['(,1.0]', '1.0.1', false],
  ['[1.0]', '1.0', true],
  ['[1.0]', '1.0.0', true],
  ['[1.0]', '1.1', false],
  ['[1.2,1.3]', '1.2', true],
  ['[1.2,1.3]', '1.3', true],
  ['[1.2,1.3]', '1.3.1', false],
  ['[1.0,2.0)', '1.5', true],
  ['[1.0,2.0)', '2.0', false],
  ['[1.0,2.0)', '2.0-SNAPSHOT', true],
  ['[1.5,)', '1.5', true],
  ['[1.5,)', '100', true],
  ['[1.5,)', '1.4.9', false],
  ['(,1.0],[1.2,)', '1.1', false],
  ['(,1.0],[1.2,)', '1.0', true],
  ['(,1.0],[1.2,)', '1.2', true],
  ['[1.0,)', '1.0-SNAPSHOT', false],
  ['[1.0,1.1-SNAPSHOT]', '1.1-SNAPSHOT', true],
  ['[5.0.9.0,5.0.10.0)', '5.0.9.0', true],
  ['[1.0,1.2]', '1.1-SNAPSHOT', true],
  ['[1.0,1.2-SNAPSHOT]', '1.2-SNAPSHOT', true],
  ['[1.0-SNAPSHOT,1.2]', '1.0-SNAPSHOT', true],
  ['[ 1.0 , 2.0 ]', '1.5', true],
  ['[2.0.0,2.15.0)', '2.14.1', true],
  ['[2.0.0,2.15.0)', '2.15.0', false],
  ['[2.13.0,2.13.4.2)', '2.13.4', true],
  ['(,2.9.10.8)', '2.9.10.7', true],
  ['[1.0,),[2.0,3.0)', '0.5', false],
];

// VersionRangeTest.java testInvalidRanges, and forms Maven reads as a soft version.
const INVALID_RANGES = [
  '(1.0)',
  '[1.0)',
  '(1.0]',
  '(1.0,1.0]',
  '[1.0,1.0)',
  '(1.0,1.0)',
  '[1.1,1.0]',
  '[1.0,1.2),1.3',
  '[1.0,1.2),(1.1,1.3]',
  '[1.1,1.3),(1.0,1.2]',
  '(1.1,1.2],[1.0,1.1)',
  '[1.0',
  '1.0',
  '',
  '[]',
  '[1.0,2.0,3.0]',
];

describe('maven scheme', () => {
  it('orders VERSIONS_QUALIFIER', () => assertAscending(maven, VERSIONS_QUALIFIER));
  it('orders VERSIONS_NUMBER', () => assertAscending(maven, VERSIONS_NUMBER));

  for (const row of [...COMPARABLE_VERSION_TEST, ...MNG_7644, ...LEADING_ZEROES, ...REAL_WORLD]) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(maven, row));
  }

  it('canonical forms are stable (ComparableVersionTest.newComparable)', () => {
    for (const v of [...VERSIONS_QUALIFIER, ...VERSIONS_NUMBER, ...REAL_WORLD.flatMap((r) => [r[0], r[2]])]) {
      const once = canonical(parseComparableVersion(v));
      assert.equal(canonical(parseComparableVersion(once)), once, v);
    }
    assert.equal(canonical(parseComparableVersion('1.0.0-alpha-1')), '1-alpha-1');
    assert.equal(canonical(parseComparableVersion('5.2.25.RELEASE')), '5.2.25');
  });

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(maven.parse(text), undefined));
  }

  for (const row of RANGES) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(maven, row));
  }

  for (const text of INVALID_RANGES) {
    it(`does not parse the range ${JSON.stringify(text)}`, () =>
      assert.equal(maven.parseRange(text), undefined));
  }

  it('matches a GHSA Maven advisory through an OSV range (log4j-core, CVE-2021-44228)', () => {
    const range = parseOsvRange(maven, [{ introduced: '2.0-beta9' }, { fixed: '2.15.0' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(maven.satisfies(maven.parse('2.14.1')!, range), true);
    assert.equal(maven.satisfies(maven.parse('2.0-beta9')!, range), true);
    assert.equal(maven.satisfies(maven.parse('2.0-beta8')!, range), false);
    assert.equal(maven.satisfies(maven.parse('2.15.0')!, range), false);
  });
});
