import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertOrder,
  assertSatisfies,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { rpm } from './index.js';

type VercmpRow = readonly [string, string, -1 | 0 | 1];

// rpm tests/rpmvercmp.at (RPMVERCMP(a, b, result)), including the tilde and caret cases.
const RPMVERCMP_AT: VercmpRow[] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0],
  ['2.0', '2.0.1', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0],
  ['2.0.1a', '2.0.1', 1],
  ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0],
  ['5.5p1', '5.5p2', -1],
  ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0],
  ['5.5p1', '5.5p10', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0],
  ['xyz10', 'xyz10.1', -1],
  ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0],
  ['xyz.4', '8', -1],
  ['8', 'xyz.4', 1],
  ['xyz.4', '2', -1],
  ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1],
  ['5.6p1', '5.5p2', 1],
  ['5.6p1', '6.5p1', -1],
  ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1],
  ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0],
  ['1.0a', '1.0aa', -1],
  ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0],
  ['10.0001', '10.1', 0],
  ['10.1', '10.0001', 0],
  ['10.0001', '10.0039', -1],
  ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1],
  ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0],
  ['20101121', '20101122', -1],
  ['20101122', '20101121', 1],
  ['2_0', '2_0', 0],
  ['2.0', '2_0', 0],
  ['2_0', '2.0', 0],
  ['a', 'a', 0],
  ['a+', 'a+', 0],
  ['a+', 'a_', 0],
  ['a_', 'a+', 0],
  ['1.0~rc1', '1.0~rc1', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0~rc1', '1.0~rc1~git123', 1],
  ['1.0^', '1.0^', 0],
  ['1.0^', '1.0', 1],
  ['1.0', '1.0^', -1],
  ['1.0^git1', '1.0^git1', 0],
  ['1.0^git1', '1.0', 1],
  ['1.0', '1.0^git1', -1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git2', '1.0^git1', 1],
  ['1.0^git1', '1.01', -1],
  ['1.01', '1.0^git1', 1],
  ['1.0^20160101', '1.0^20160101', 0],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0.1', '1.0^20160101', 1],
  ['1.0^20160101^git1', '1.0^20160101^git1', 0],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0^20160101^git1', '1.0^20160102', -1],
  ['1.0~rc1^git1', '1.0~rc1^git1', 0],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0^git1~pre', '1.0^git1~pre', 0],
  ['1.0^git1', '1.0^git1~pre', 1],
  ['1.0^git1~pre', '1.0^git1', -1],
  // the "arguably buggy behaviors" rpmvercmp.at documents in comments (RhBug:811992)
  ['1b.fc17', '1b.fc17', 0],
  ['1b.fc17', '1.fc17', -1],
  ['1g.fc17', '1.fc17', 1],
];

// grype grype/version/rpm_version_test.go (TestRpmVersion_Compare, after anchore-engine test_rpm.py);
// the rows where grype ignores a one-sided epoch are written with rpm's own rule (missing epoch = 0).
const EVR: OrderRow[] = [
  ['1', '=', '1'],
  ['4.19.0a-1.el7_5', '<', '4.19.0c-1.el7'],
  ['4.19.0-1.el7_5', '<', '4.21.0-1.el7'],
  ['4.19.01-1.el7_5', '<', '4.19.10-1.el7_5'],
  ['4.19.0-1.el7_5', '>', '4.19.0-1.el7'],
  ['4.19.0-1.el7_5', '>', '4.17.0-1.el7'],
  ['4.19.01-1.el7_5', '=', '4.19.1-1.el7_5'],
  ['4.19.1-1.el7_5', '=', '4.19.1-01.el7_5'],
  ['4.19.1', '=', '4.19.1'],
  ['1.2.3-el7_5~snapshot1', '<', '1.2.3-3-el7_5'],
  ['1:0', '>', '0:1'],
  ['1:2', '>', '1'],
  ['0:4.19.1-1.el7_5', '<', '2:4.19.1-1.el7_5'],
  ['4:1.2.3-3-el7_5', '>', '1.2.3-el7_5~snapshot1'],
  ['1:0', '>', '1'], // grype: -1 (one-sided epochs ignored); rpm.ver: 1
  ['2:4.19.01-1.el7_5', '>', '4.19.1-1.el7_5'], // grype: 0
  ['4.19.0-1.el7_5', '<', '12:4.19.0-1.el7'], // grype: 1
  ['3:4.19.0-1.el7_5', '>', '4.21.0-1.el7'], // grype: -1
  ['1.5.4-2.el7_9', '=', '0:1.5.4-2.el7_9'],
  ['8.3.1-5.el8.4', '<', '0:8.3.1-5.el8.5'],
  ['8.3.1-5.el8.40', '>', '0:8.3.1-5.el8.5'],
  ['8.3.1-5.el8', '<', '0:8.3.1-5.el8.0.0'],
  // an absent release sorts before every release (as rpm.ver does; rpmverCmp would call them equal)
  ['1.0', '<', '1.0-1'],
  ['1.0', '<', '1.0-0'],
  // real RHEL/Rocky/Alma errata: installed against fixed
  ['1:1.1.1k-7.el8_6', '<', '1:1.1.1k-12.el8_9'],
  ['1:3.0.7-25.el9_3', '<', '1:3.0.7-27.el9'],
  ['2.28-225.el8_8.6', '<', '2.28-236.el8'],
  ['7.76.1-26.el9_3.3', '>', '7.76.1-26.el9_3.2'],
  ['7.76.1-26.el9_3.3', '<', '7.76.1-29.el9_4'],
  ['4.18.0-513.24.1.el8_9', '<', '4.18.0-553.el8_10'],
  ['5.14.0-362.8.1.el9_3', '<', '5.14.0-362.13.1.el9_3'],
  ['2.9.13-5.el9_3', '<', '2.9.13-6.el9_4'],
  ['1.0^20230101git1234567-1.fc40', '>', '1.0-1.fc40'],
  ['1.0~rc1-1.fc40', '<', '1.0-1.fc40'],
  ['15.2-150000.3.22.1', '<', '15.2-150000.3.28.1'],
];

// Not RPM versions (rpmbuild's ALLOWED_CHARS_VERREL, rpmverParse): empty parts, whitespace, other
// characters; and, by our choice, strings not starting with an alphanumeric, which rpm orders only by
// accident (rpmvercmp.at: `+a` = `_a`, `+_` = `_+`, `+` = `_`).
const INVALID = [
  '+a',
  '_a',
  '~1',
  '^1.2',
  '',
  ' ',
  '1.0 ',
  ' 1.0',
  '1 0',
  '1.0-',
  '-1',
  ':1.0',
  'a:1.0',
  '1:',
  '1:-1',
  '1.0-1-',
  '1.0-1:2',
  '1.0/1',
  '1.0@1',
  '1.0%{dist}',
  '1.0#1',
  '1.0\t',
  '+_',
  '_+',
  '+',
  '_',
  '~',
  '^',
  '1.0-~',
];

// grype grype/version/rpm_version_test.go (TestRpmVersion_Constraint), rpm's epoch rule.
const RANGES: RangeRow[] = [
  ['> 1.0.0, < 2.0.0', '2.3.1', false],
  ['> 1.0.0, < 2.0.0', '1.3.1', true],
  ['> 1.0.0, <= 2.0.0', '2.0.0', true],
  ['> 1.0.0, < 2.0.0', '2.0.0', false],
  ['>= 1.0.0, < 2.0.0', '1.0.0', true],
  ['> 1.0.0, < 2.0.0', '1.0.0', false],
  ['> 1.0.0, < 2.0.0', '0.9.0', false],
  ['> 0.1.0, < 0.5.0 || > 1.0.0, < 2.0.0', '1.5.0', true],
  ['> 0.1.0, < 0.5.0 || > 1.0.0, < 2.0.0', '0.2.0', true],
  ['> 0.1.0, < 0.5.0 || > 1.0.0, < 2.0.0', '0.0.1', false],
  ['> 0.1.0, < 0.5.0 || > 1.0.0, < 2.0.0', '0.6.0', false],
  ['< 2.0.0', '2.3.1', false],
  ['< 2.3', '2.3.1', false],
  ['< 2.3.1', '2.3.1', false],
  ['< 2.3.2', '2.3.1', true],
  ['< 3', '2.3.1', true],
  ['< 0:1', '1:0', false],
  ['< 2:4.19.1-1.el7_5', '2:4.19.01-1.el7_5', false],
  ['<= 2:4.19.1-1.el7_5', '2:4.19.01-1.el7_5', true],
  ['< 2:4.19.1-1.el7_5', '0:4.19.1-1.el7_5', true],
  ['< 12:4.19.0-1.el7', '11:4.19.0-1.el7_5', true],
  ['< 12:4.19.0-1.el7', '13:4.19.0-1.el7_5', false],
  ['< 0:1.5.4-2.el7_9', '1.5.4-2.el7_9', false],
  ['< 0:1.5.4-2.el7_9', '1.5.4-2.el7', true],
  ['< 0:8.3.1-5.el8.5', '8.3.1-5.el8.4', true],
  ['< 0:8.3.1-5.el8.5', '8.3.1-5.el8.40', false],
  ['< 0:8.3.1-5.el8.0.0', '8.3.1-5.el8', true],
  ['> 0:8.3.1-5.el8', '8.3.1-5.el8.0.0', true],
  ['= 0', '0:0', true],
  ['= 0:0', '0', true],
  ['< 1', '1:0', false],
  ['< 2:1.0', '1.0', true],
  ['!= 1.0-1', '1.0-2', true],
];

describe('rpm scheme', () => {
  for (const [a, b, want] of RPMVERCMP_AT) {
    it(`rpmvercmp(${a}, ${b}) = ${want}`, () => {
      assert.equal(rpm.compare(rpm.parse(a)!, rpm.parse(b)!), want);
    });
  }

  for (const row of EVR) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(rpm, row));
  }

  for (const text of INVALID) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(rpm.parse(text), undefined));
  }

  for (const row of RANGES) {
    it(`${row[1]} in ${row[0]}: ${row[2]}`, () => assertSatisfies(rpm, row));
  }

  it('matches an AlmaLinux OSV advisory range', () => {
    const range = parseOsvRange(rpm, [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(rpm.satisfies(rpm.parse('1:3.0.7-25.el9_3')!, range), true);
    assert.equal(rpm.satisfies(rpm.parse('1:3.0.7-27.el9')!, range), false);
    assert.equal(rpm.satisfies(rpm.parse('3.0.7-28.el9')!, range), true, 'epoch 0 is below epoch 1');
  });
});
