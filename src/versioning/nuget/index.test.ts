import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertOrder,
  assertSatisfies,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { nuget } from './index.js';

// NuGet.Client test/NuGet.Core.Tests/NuGet.Versioning.Test: VersionComparerTests.cs
// (VersionComparisonDefaultEqual/Less), NuGetVersionTest.cs (SemVerLessThanAndGreaterThanOperatorsWorks,
// SemVerEqualsOperatorWorks, ParseIgnoresLeadingAndTrailingWhitespace), VersionParsingTests.cs.
const NUGET_VERSIONING_TEST: OrderRow[] = [
  ['1.0.0', '=', '1.0.0'],
  ['1.0.0-BETA', '=', '1.0.0-beta'],
  ['1.0.0-BETA+AA', '=', '1.0.0-beta+aa'],
  ['1.0.0-BETA.X.y.5.77.0+AA', '=', '1.0.0-beta.x.y.5.77.0+aa'],
  ['0.0.0', '<', '1.0.0'],
  ['1.0.0', '<', '1.1.0'],
  ['1.0.0', '<', '1.0.1'],
  ['1.999.9999', '<', '2.1.1'],
  ['1.0.0-BETA', '<', '1.0.0-beta2'],
  ['1.0.0-beta+AA', '<', '1.0.0+aa'],
  ['1.0.0-BETA', '<', '1.0.0-beta.1+AA'],
  ['1.0.0-BETA.X.y.5.77.0+AA', '<', '1.0.0-beta.x.y.5.79.0+aa'],
  ['1.0.0-BETA.X.y.5.79.0+AA', '<', '1.0.0-beta.x.y.5.790.0+abc'],
  ['1.0', '<', '1.0.1'],
  ['1.23', '<', '1.231'],
  ['1.4.5.6', '<', '1.45.6'],
  ['1.4.5.6', '<', '1.4.5.60'],
  ['1.01', '<', '1.10'],
  ['1.01-alpha', '<', '1.10-beta'],
  ['1.01.0-RC-1', '<', '1.10.0-rc-2'],
  ['1.01-RC-1', '<', '1.01'],
  ['1.01', '<', '1.2-preview'],
  ['1.0', '=', '1.0.0.0'],
  ['1.23.01', '=', '1.23.1'],
  ['1.45.6', '=', '1.45.6.0'],
  ['1.45.6-Alpha', '=', '1.45.6-Alpha'],
  ['1.6.2-BeTa', '=', '1.6.02-beta'],
  ['22.3.07     ', '=', '22.3.07'],
  ['  1.022-Beta', '=', '1.22.0.0-Beta'],
  ['    1.3.42.10133-PreRelease  ', '=', '1.3.42.10133-prerelease'],
  ['2', '=', '2.0.0'],
  ['2.0', '=', '2.0.0.0'],
  ['1.0.0+Metadata', '=', '1.0.0'],
  ['1.3.42.200930-RC-2', '>', '1.3.42.200930-RC-1'],
];

// SemVer 2.0.0 precedence as NuGet applies it (SemVer201SpecTests.cs), and real NuGet advisory versions.
const SEMVER_AND_REAL: OrderRow[] = [
  ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
  ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
  ['1.0.0-alpha.beta', '<', '1.0.0-beta'],
  ['1.0.0-beta', '<', '1.0.0-beta.2'],
  ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
  ['1.0.0-beta.11', '<', '1.0.0-rc.1'],
  ['1.0.0-rc.1', '<', '1.0.0'],
  ['1.0.0-Alpha', '=', '1.0.0-alpha'],
  ['1.0.0-2', '<', '1.0.0-10'],
  ['1.0.0-10', '<', '1.0.0-a'],
  ['1.0.0.1', '>', '1.0.0'],
  ['1.0.0.1-beta', '>', '1.0.0'],
  ['13.0.1', '<', '13.0.3'],
  ['12.0.3', '<', '13.0.1'],
  ['6.0.0-preview.7.21377.19', '<', '6.0.0-rc.1.21451.13'],
  ['6.0.0-rc.2.21480.5', '<', '6.0.0'],
  ['4.7.0', '<', '4.7.1'],
  ['5.0.0', '>', '4.7.2'],
  ['2.1.0-preview1-final', '<', '2.1.0'],
];

// NuGetVersionTest.cs ParseThrowsIfStringIsNotAValidSemVer and ParseThrowsIfStringIsNullOrEmpty.
const INVALID = [
  '',
  '   ',
  '1beta',
  '$version$',
  '1.2Av^c',
  '1.2..',
  '1.2.3.4.5',
  '1.2.3.Beta',
  '1.2.3.4This version is full of awesomeness!!',
  'So.is.this',
  '1.34.2Alpha',
  '1.34.2Release Candidate',
  '1.4.7-',
  '1.4.7-*',
  '1.4.7+*',
  '1.4.7-AA.01^',
  '1.4.7-AA.0A^',
  '1.4.7-A^A',
  '1.4.7+AA.01^',
  '1.4.7-01',
  '1.4.7-a..b',
  '1.4.7+',
  '2147483648.0.0',
  '-1.0.0',
  'v1.0.0',
  '[1.0]',
];

// VersionRangeTests.cs ParseVersionRangeSatisfies / ParseVersionRangeDoesNotSatisfy /
// VersionRange_MetadataIsIgnored_Satisfy / ParseVersionRangeSingleDigit, and the docs' examples.
const RANGES: RangeRow[] = [
  ['1.0.0', '2.0.0', true],
  ['[1.0.0, 2.0.0]', '2.0.0', true],
  ['[1.0.0, 2.0.0]', '1.0.0', true],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '1.0.0', true],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '1.0.0-beta+meta', true],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '2.0.0-beta', true],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '1.0.0+meta', true],
  ['(1.0.0-beta+meta, 2.0.0-beta+meta)', '1.0.0', true],
  ['(1.0.0-beta+meta, 2.0.0-beta+meta)', '2.0.0-alpha+meta', true],
  ['(1.0.0-beta+meta, 2.0.0-beta+meta)', '2.0.0-alpha', true],
  ['(, 2.0.0-beta+meta)', '2.0.0-alpha', true],
  ['1.0.0', '0.0.0', false],
  ['[1.0.0, 2.0.0]', '2.0.1', false],
  ['[1.0.0, 2.0.0]', '0.0.0', false],
  ['[1.0.0, 2.0.0]', '3.0.0', false],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '1.0.0-alpha', false],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '1.0.0-alpha+meta', false],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '2.0.0-rc', false],
  ['[1.0.0-beta+meta, 2.0.0-beta+meta]', '2.0.0+meta', false],
  ['(1.0.0-beta+meta, 2.0.0-beta+meta)', '2.0.0-beta+meta', false],
  ['(, 2.0.0-beta+meta)', '2.0.0-beta+meta', false],
  ['[1.0.0+A, 2.0.0+A]', '1.0.0+B', true],
  ['[1,3)', '1.0.0', true],
  ['[1,3)', '3.0.0', false],
  ['[1.0.0]', '1.0.0.0', true],
  ['[1.0.0]', '1.0.0.1', false],
  ['[1.0.0, )', '99.0.0', true],
  ['[1.0.0, ]', '99.0.0', true],
  ['(1.0.0, )', '1.0.0', false],
  ['[, 2.0.0)', '1.0.0', true],
  ['(, 1.0]', '1.0.0', true],
  ['(, 1.0)', '1.0.0', false],
  ['[1.0, 2.0)', '1.5.0-beta', true],
  ['[13.0.0, 13.0.1)', '13.0.0', true],
  ['[13.0.0, 13.0.1)', '13.0.1', false],
];

// VersionRangeFactory.TryParse refusals, plus floating ranges, which are resolver instructions here.
const INVALID_RANGES = [
  '',
  '  ',
  '(1.0.0)',
  '[1.0.0)',
  '(1.0.0]',
  '(,]',
  '[1.0, 2.0, 3.0]',
  '[2.0, 1.0]',
  '(1.0, 1.0]',
  '[1.0',
  '*',
  '1.*',
  '1.0.0-*',
  '[1.0.*, 2.0)',
  'abc',
];

describe('nuget scheme', () => {
  for (const row of [...NUGET_VERSIONING_TEST, ...SEMVER_AND_REAL]) {
    it(`${JSON.stringify(row[0])} ${row[1]} ${JSON.stringify(row[2])}`, () => assertOrder(nuget, row));
  }

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(nuget.parse(text), undefined));
  }

  for (const row of RANGES) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(nuget, row));
  }

  for (const text of INVALID_RANGES) {
    it(`does not parse the range ${JSON.stringify(text)}`, () =>
      assert.equal(nuget.parseRange(text), undefined));
  }

  it('matches a GHSA NuGet advisory through an OSV range (Newtonsoft.Json, GHSA-5crp-9r3c-p9vr)', () => {
    const range = parseOsvRange(nuget, [{ introduced: '0' }, { fixed: '13.0.1' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(nuget.satisfies(nuget.parse('12.0.3')!, range), true);
    assert.equal(nuget.satisfies(nuget.parse('13.0.1')!, range), false);
  });
});
