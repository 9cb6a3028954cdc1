import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertOrder,
  assertSatisfies,
  parseOrFail,
  type OrderRow,
  type RangeRow,
} from '../../../test/helpers/version-tables.js';
import { parseOsvRange } from '../range.js';
import { parseConstraints, type ComposerConstraint } from './constraints.js';
import { composer } from './index.js';
import { normalizeVersion } from './normalize.js';

// composer/semver tests/VersionParserTest.php successfulNormalizedVersions (rows with aliases or
// stability flags, which only constraints accept, are left out).
const NORMALIZED: [string, string][] = [
  ['1.0.0', '1.0.0.0'],
  ['1.2.3.4', '1.2.3.4'],
  ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
  ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
  ['1.0.0-rc1', '1.0.0.0-RC1'],
  ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
  ['1.0-dev', '1.0.0.0-dev'],
  ['0', '0.0.0.0'],
  ['99999', '99999.0.0.0'],
  ['10.4.13-beta', '10.4.13.0-beta'],
  ['10.4.13beta2', '10.4.13.0-beta2'],
  ['10.4.13beta.2', '10.4.13.0-beta2'],
  ['v1.13.11-beta.0', '1.13.11.0-beta0'],
  ['1.13.11.0-beta0', '1.13.11.0-beta0'],
  ['10.4.13-b', '10.4.13.0-beta'],
  ['10.4.13-b5', '10.4.13.0-beta5'],
  ['v1.0.0', '1.0.0.0'],
  ['2010.01', '2010.01.0.0'],
  ['2010.01.02', '2010.01.02.0'],
  ['2010.1.555', '2010.1.555.0'],
  ['2010.10.200', '2010.10.200.0'],
  ['20230131.0.0', '20230131.0.0'],
  ['202301310000.0.0', '202301310000.0.0'],
  ['v20100102', '20100102'],
  ['20100102', '20100102'],
  ['20100102.0', '20100102.0'],
  ['20100102.1.0', '20100102.1.0'],
  ['20100102.0.3', '20100102.0.3'],
  ['100000', '100000'],
  ['2010-01-02-10-20-30.0.3', '2010.01.02.10.20.30.0.3'],
  ['2010-01-02-10-20-30.5', '2010.01.02.10.20.30.5'],
  ['2010-01-02', '2010.01.02'],
  ['2012.06.07', '2012.06.07.0'],
  ['2010-01-02.5', '2010.01.02.5'],
  ['2010.1.555', '2010.1.555.0'],
  ['20100102-203040', '20100102.203040'],
  ['20100102.x-dev', '20100102.9999999.9999999.9999999-dev'],
  ['20100102.203040.x-dev', '20100102.203040.9999999.9999999-dev'],
  ['20100102203040-10', '20100102203040.10'],
  ['20100102-203040-p1', '20100102.203040-patch1'],
  ['201903.0', '201903.0'],
  ['201903.x-dev', '201903.9999999.9999999.9999999-dev'],
  ['201903.0-p2', '201903.0-patch2'],
  ['dev-master', 'dev-master'],
  ['master', 'dev-master'],
  ['dev-trunk', 'dev-trunk'],
  ['1.x-dev', '1.9999999.9999999.9999999-dev'],
  ['dev-feature-foo', 'dev-feature-foo'],
  ['DEV-FOOBAR', 'dev-FOOBAR'],
  ['dev-feature/foo', 'dev-feature/foo'],
  ['dev-feature+issue-1', 'dev-feature+issue-1'],
  ['1.0.0-beta.5+foo', '1.0.0.0-beta5'],
  ['1.0.0+foo', '1.0.0.0'],
  ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
  ['1.0.0-alpha2.1+foo', '1.0.0.0-alpha2.1'],
  ['1.0.0-alpha-2.1-3+foo', '1.0.0.0-alpha2.1-3'],
  ['00.01.03.04', '00.01.03.04'],
  ['000.001.003.004', '000.001.003.004'],
  ['0.000.103.204', '0.000.103.204'],
  ['0700', '0700.0.0.0'],
  ['041.x-dev', '041.9999999.9999999.9999999-dev'],
  ['dev-041.003', 'dev-041.003'],
  ['dev-1.0.0-dev<1.0.5-dev', 'dev-1.0.0-dev<1.0.5-dev'],
  ['dev-foo bar', 'dev-foo bar'],
  [' 1.0.0', '1.0.0.0'],
  ['1.0.0 ', '1.0.0.0'],
];

// composer/semver tests/VersionParserTest.php failingNormalizedVersions.
const NOT_NORMALIZABLE = [
  '',
  'a',
  '1.0.0-meh',
  '1.0.0.0.0',
  'feature-foo',
  '1.0.0+foo bar',
  '1.0.1-SNAPSHOT',
  '1.0.0<1.0.5-dev',
  '1.0.0-dev<1.0.5-dev',
  'foo bar-dev',
  '1.0 .2',
  ' as ',
  ' as 1.2',
  '^',
  '^8 || ^',
  '~',
  '~1 ~',
  '~1',
  '^1',
  '1.*',
  '20100102.0.3.4',
  '100000.0.0.0',
  '2023013.0.0',
  '202301311.0.0',
  '20230131000.0.0',
  '2023013100000.0.0',
];

// Versions that normalise but that are branches, aliases or stability flags: not versions here.
const NOT_VERSIONS = [
  'dev-master',
  'master',
  'dev-feature/foo',
  'DEV-FOOBAR',
  'trunk',
  '1.0.0 as 2.0',
  '1.0.0@dev',
  '1.0.0+foo@dev',
  ' as 1.2',
];

// composer/semver tests/ComparatorTest.php (greaterThan, lessThan, equalTo, compare providers).
const COMPARATOR: [string, string, string, boolean][] = [
  ['1.25.0', '>', '1.24.0', true],
  ['1.25.0', '>', '1.25.0', false],
  ['1.25.0', '>', '1.26.0', false],
  ['1.25.0', '>=', '1.24.0', true],
  ['1.25.0', '>=', '1.25.0', true],
  ['1.25.0', '>=', '1.26.0', false],
  ['1.25.0', '<', '1.24.0', false],
  ['1.25.0', '<', '1.25.0', false],
  ['1.25.0', '<', '1.26.0', true],
  ['1.25.0-beta2.1', '<', '1.25.0-b.3', true],
  ['1.25.0-b2.1', '<', '1.25.0beta.3', true],
  ['1.25.0-b-2.1', '<', '1.25.0-rc', true],
  ['1.25.0', '<=', '1.24.0', false],
  ['1.25.0', '<=', '1.25.0', true],
  ['1.25.0', '<=', '1.26.0', true],
  ['1.25.0', '==', '1.24.0', false],
  ['1.25.0', '==', '1.25.0', true],
  ['1.25.0', '==', '1.26.0', false],
  ['1.25.0-beta2.1', '==', '1.25.0-b.2.1', true],
  ['1.25.0beta2.1', '==', '1.25.0-b2.1', true],
  ['1.25.0', '=', '1.24.0', false],
  ['1.25.0', '=', '1.25.0', true],
  ['1.25.0', '=', '1.26.0', false],
  ['1.25.0', '!=', '1.24.0', true],
  ['1.25.0', '!=', '1.25.0', false],
  ['1.25.0', '!=', '1.26.0', true],
  ['1.25.0', '<>', '1.24.0', true],
  ['1.25.0', '<>', '1.25.0', false],
  ['1.25.0', '<>', '1.26.0', true],
];

// composer/semver tests/VersionParserTest.php wildcardConstraints, tildeConstraints,
// caretConstraints, hyphenConstraints: [constraint, [[op, normalised bound] …]].
const CONSTRAINTS: [string, [string, string][]][] = [
  [
    'v2.*',
    [
      ['>=', '2.0.0.0-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '2.*.*',
    [
      ['>=', '2.0.0.0-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '20.*',
    [
      ['>=', '20.0.0.0-dev'],
      ['<', '21.0.0.0-dev'],
    ],
  ],
  [
    '20.*.*',
    [
      ['>=', '20.0.0.0-dev'],
      ['<', '21.0.0.0-dev'],
    ],
  ],
  [
    '2.0.*',
    [
      ['>=', '2.0.0.0-dev'],
      ['<', '2.1.0.0-dev'],
    ],
  ],
  [
    '2.x',
    [
      ['>=', '2.0.0.0-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '2.x.x',
    [
      ['>=', '2.0.0.0-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '2.2.x',
    [
      ['>=', '2.2.0.0-dev'],
      ['<', '2.3.0.0-dev'],
    ],
  ],
  [
    '2.10.X',
    [
      ['>=', '2.10.0.0-dev'],
      ['<', '2.11.0.0-dev'],
    ],
  ],
  [
    '2.1.3.*',
    [
      ['>=', '2.1.3.0-dev'],
      ['<', '2.1.4.0-dev'],
    ],
  ],
  ['0.*', [['<', '1.0.0.0-dev']]],
  ['0.*.*', [['<', '1.0.0.0-dev']]],
  ['0.x', [['<', '1.0.0.0-dev']]],
  ['0.x.x', [['<', '1.0.0.0-dev']]],
  [
    '~v1',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.0',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.0.0',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '1.1.0.0-dev'],
    ],
  ],
  [
    '~1.2',
    [
      ['>=', '1.2.0.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.2.3',
    [
      ['>=', '1.2.3.0-dev'],
      ['<', '1.3.0.0-dev'],
    ],
  ],
  [
    '~1.2.3.4',
    [
      ['>=', '1.2.3.4-dev'],
      ['<', '1.2.4.0-dev'],
    ],
  ],
  [
    '~1.2-beta',
    [
      ['>=', '1.2.0.0-beta'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.2-b2',
    [
      ['>=', '1.2.0.0-beta2'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.2-BETA2',
    [
      ['>=', '1.2.0.0-beta2'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '~1.2.2-dev',
    [
      ['>=', '1.2.2.0-dev'],
      ['<', '1.3.0.0-dev'],
    ],
  ],
  [
    '~1.2.2-stable',
    [
      ['>=', '1.2.2.0'],
      ['<', '1.3.0.0-dev'],
    ],
  ],
  [
    '~201903.0',
    [
      ['>=', '201903.0-dev'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '~201903.0-beta',
    [
      ['>=', '201903.0-beta'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '~201903.0-stable',
    [
      ['>=', '201903.0'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '~201903.205830.1-stable',
    [
      ['>=', '201903.205830.1'],
      ['<', '201903.205831.0.0-dev'],
    ],
  ],
  [
    '~2.x-dev',
    [
      ['>=', '2.9999999.9999999.9999999-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '~2.0.x-dev',
    [
      ['>=', '2.0.9999999.9999999-dev'],
      ['<', '2.1.0.0-dev'],
    ],
  ],
  [
    '~2.0.3.x-dev',
    [
      ['>=', '2.0.3.9999999-dev'],
      ['<', '2.0.4.0-dev'],
    ],
  ],
  [
    '~0.x-dev',
    [
      ['>=', '0.9999999.9999999.9999999-dev'],
      ['<', '1.0.0.0-dev'],
    ],
  ],
  [
    '^v1',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '^0',
    [
      ['>=', '0.0.0.0-dev'],
      ['<', '1.0.0.0-dev'],
    ],
  ],
  [
    '^0.0',
    [
      ['>=', '0.0.0.0-dev'],
      ['<', '0.1.0.0-dev'],
    ],
  ],
  [
    '^1.2',
    [
      ['>=', '1.2.0.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '^1.2.3-beta.2',
    [
      ['>=', '1.2.3.0-beta2'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '^1.2.3.4',
    [
      ['>=', '1.2.3.4-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '^1.2.3',
    [
      ['>=', '1.2.3.0-dev'],
      ['<', '2.0.0.0-dev'],
    ],
  ],
  [
    '^0.2.3',
    [
      ['>=', '0.2.3.0-dev'],
      ['<', '0.3.0.0-dev'],
    ],
  ],
  [
    '^0.2',
    [
      ['>=', '0.2.0.0-dev'],
      ['<', '0.3.0.0-dev'],
    ],
  ],
  [
    '^0.2.0',
    [
      ['>=', '0.2.0.0-dev'],
      ['<', '0.3.0.0-dev'],
    ],
  ],
  [
    '^0.0.3',
    [
      ['>=', '0.0.3.0-dev'],
      ['<', '0.0.4.0-dev'],
    ],
  ],
  [
    '^0.0.3-alpha',
    [
      ['>=', '0.0.3.0-alpha'],
      ['<', '0.0.4.0-dev'],
    ],
  ],
  [
    '^0.0.3-dev',
    [
      ['>=', '0.0.3.0-dev'],
      ['<', '0.0.4.0-dev'],
    ],
  ],
  [
    '^0.0.3-stable',
    [
      ['>=', '0.0.3.0'],
      ['<', '0.0.4.0-dev'],
    ],
  ],
  [
    '^201903.0',
    [
      ['>=', '201903.0-dev'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '^201903.0-beta',
    [
      ['>=', '201903.0-beta'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '^201903.205830.1-stable',
    [
      ['>=', '201903.205830.1'],
      ['<', '201904.0.0.0-dev'],
    ],
  ],
  [
    '^2.x-dev',
    [
      ['>=', '2.9999999.9999999.9999999-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '^2.0.*-dev',
    [
      ['>=', '2.0.9999999.9999999-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '^2.0.x-dev',
    [
      ['>=', '2.0.9999999.9999999-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '^2.0.3.x-dev',
    [
      ['>=', '2.0.3.9999999-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '^0.x-dev',
    [
      ['>=', '0.9999999.9999999.9999999-dev'],
      ['<', '1.0.0.0-dev'],
    ],
  ],
  [
    'v1 - v2',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '3.0.0.0-dev'],
    ],
  ],
  [
    '1.2.3 - 2.3.4.5',
    [
      ['>=', '1.2.3.0-dev'],
      ['<=', '2.3.4.5'],
    ],
  ],
  [
    '1.2-beta - 2.3',
    [
      ['>=', '1.2.0.0-beta'],
      ['<', '2.4.0.0-dev'],
    ],
  ],
  [
    '1.2-beta - 2.3-dev',
    [
      ['>=', '1.2.0.0-beta'],
      ['<=', '2.3.0.0-dev'],
    ],
  ],
  [
    '1.2-RC - 2.3.1',
    [
      ['>=', '1.2.0.0-RC'],
      ['<=', '2.3.1.0'],
    ],
  ],
  [
    '1.2.3-alpha - 2.3-RC',
    [
      ['>=', '1.2.3.0-alpha'],
      ['<=', '2.3.0.0-RC'],
    ],
  ],
  [
    '1 - 2.0',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '2.1.0.0-dev'],
    ],
  ],
  [
    '1 - 2.1',
    [
      ['>=', '1.0.0.0-dev'],
      ['<', '2.2.0.0-dev'],
    ],
  ],
  [
    '1.2 - 2.1.0',
    [
      ['>=', '1.2.0.0-dev'],
      ['<=', '2.1.0.0'],
    ],
  ],
  [
    '1.3 - 2.1.3',
    [
      ['>=', '1.3.0.0-dev'],
      ['<=', '2.1.3.0'],
    ],
  ],
  [
    '2.0.3.x-dev - 3.0.3.x-dev',
    [
      ['>=', '2.0.3.9999999-dev'],
      ['<=', '3.0.3.9999999-dev'],
    ],
  ],
  [
    '2.0.x-dev - 3.0.x-dev',
    [
      ['>=', '2.0.9999999.9999999-dev'],
      ['<=', '3.0.9999999.9999999-dev'],
    ],
  ],
  [
    '2.x-dev - 3.x-dev',
    [
      ['>=', '2.9999999.9999999.9999999-dev'],
      ['<=', '3.9999999.9999999.9999999-dev'],
    ],
  ],
  [
    '0.x-dev - 1.x-dev',
    [
      ['>=', '0.9999999.9999999.9999999-dev'],
      ['<=', '1.9999999.9999999.9999999-dev'],
    ],
  ],
];

// composer/semver tests/VersionParserTest.php simpleConstraints ([] = MatchAllConstraint).
const SIMPLE_CONSTRAINTS: [string, [string, string][]][] = [
  ['*', []],
  ['v*', [['>=', '0.0.0.0-dev']]],
  ['*.*', [['>=', '0.0.0.0-dev']]],
  ['v*.*', [['>=', '0.0.0.0-dev']]],
  ['*.x.*', [['>=', '0.0.0.0-dev']]],
  ['x.X.x.*', [['>=', '0.0.0.0-dev']]],
  ['<>1.0.0', [['<>', '1.0.0.0']]],
  ['!=1.0.0', [['!=', '1.0.0.0']]],
  ['>1.0.0', [['>', '1.0.0.0']]],
  ['<1.2.3.4', [['<', '1.2.3.4-dev']]],
  ['<=1.2.3', [['<=', '1.2.3.0']]],
  ['>=1.2.3', [['>=', '1.2.3.0-dev']]],
  ['=1.2.3', [['=', '1.2.3.0']]],
  ['==1.2.3', [['=', '1.2.3.0']]],
  ['1.2.3', [['=', '1.2.3.0']]],
  ['=1.0', [['=', '1.0.0.0']]],
  ['1.2.3b5', [['=', '1.2.3.0-beta5']]],
  ['1.2.3a1', [['=', '1.2.3.0-alpha1']]],
  ['1.2.3p1234', [['=', '1.2.3.0-patch1234']]],
  ['1.2.3pl1234', [['=', '1.2.3.0-patch1234']]],
  ['>= 1.2.3', [['>=', '1.2.3.0-dev']]],
  ['< 1.2.3', [['<', '1.2.3.0-dev']]],
  ['> 1.2.3', [['>', '1.2.3.0']]],
  ['>=dev-master', [['>=', 'dev-master']]],
  ['dev-master', [['=', 'dev-master']]],
  ['dev-feature-a', [['=', 'dev-feature-a']]],
  ['dev-some-fix', [['=', 'dev-some-fix']]],
  ['dev-CAPS', [['=', 'dev-CAPS']]],
  ['dev-master as 1.0.0', [['=', 'dev-master']]],
  ['<1.2.3.4-stable', [['<', '1.2.3.4']]],
  ['>=1.2.3.4-stable', [['>=', '1.2.3.4']]],
];

// composer/semver tests/SemverTest.php satisfiesProviderPositive / satisfiesProviderNegative
// ([constraint, version, expected]; rows with versions Composer itself cannot normalise are left out).
const SATISFIES: RangeRow[] = [
  ['1.0.0 - 2.0.0', '1.2.3', true],
  ['^1.2.3+build', '1.2.3', true],
  ['^1.2.3+build', '1.3.0', true],
  ['1.2.3+asdf - 2.4.3+asdf', '2.4.3-alpha', true],
  ['>1.2', '1.3.0-beta', true],
  ['<=1.2.3', '1.2.3-beta', true],
  ['^1.2.3', '1.2.3-beta', true],
  ['1.2.3+asdf - 2.4.3+asdf', '1.2.3', true],
  ['1.0.0', '1.0.0', true],
  ['*', '1.2.3', true],
  ['*', 'v1.2.3', true],
  ['>=1.0.0', '1.0.0', true],
  ['>=1.0.0', '1.0.1', true],
  ['>=1.0.0', '1.1.0', true],
  ['>1.0.0', '1.0.1', true],
  ['>1.0.0', '1.1.0', true],
  ['<=2.0.0', '2.0.0', true],
  ['<=2.0.0', '1.9999.9999', true],
  ['<=2.0.0', '0.2.9', true],
  ['<2.0.0', '1.9999.9999', true],
  ['<2.0.0', '0.2.9', true],
  ['>= 1.0.0', '1.0.0', true],
  ['>=  1.0.0', '1.0.1', true],
  ['>=   1.0.0', '1.1.0', true],
  ['> 1.0.0', '1.0.1', true],
  ['>  1.0.0', '1.1.0', true],
  ['<=   2.0.0', '2.0.0', true],
  ['<= 2.0.0', '1.9999.9999', true],
  ['<=  2.0.0', '0.2.9', true],
  ['<    2.0.0', '1.9999.9999', true],
  ['<\t2.0.0', '0.2.9', true],
  ['>=0.1.97', 'v0.1.97', true],
  ['>=0.1.97', '0.1.97', true],
  ['0.1.20 || 1.2.4', '1.2.4', true],
  ['>=0.2.3 || <0.0.1', '0.0.0', true],
  ['>=0.2.3 || <0.0.1', '0.2.3', true],
  ['>=0.2.3 || <0.0.1', '0.2.4', true],
  ['2.x.x', '2.1.3', true],
  ['1.2.x', '1.2.3', true],
  ['1.2.x || 2.x', '2.1.3', true],
  ['1.2.x || 2.x', '1.2.3', true],
  ['x', '1.2.3', true],
  ['2.*.*', '2.1.3', true],
  ['1.2.*', '1.2.3', true],
  ['1.2.* || 2.*', '2.1.3', true],
  ['1.2.* || 2.*', '1.2.3', true],
  ['*', '1.2.3', true],
  ['~2.4', '2.9.0', true],
  ['~2.4', '2.4.5', true],
  ['~1', '1.2.3', true],
  ['~1.0', '1.4.7', true],
  ['>=1', '1.0.0', true],
  ['>= 1', '1.0.0', true],
  ['>1.2', '1.2.8', true],
  ['<1.2', '1.1.1', true],
  ['< 1.2', '1.1.1', true],
  ['~1.2.1 >=1.2.3', '1.2.3', true],
  ['~1.2.1 =1.2.3', '1.2.3', true],
  ['~1.2.1 1.2.3', '1.2.3', true],
  ['~1.2.1 >=1.2.3 1.2.3', '1.2.3', true],
  ['~1.2.1 1.2.3 >=1.2.3', '1.2.3', true],
  ['~1.2.1 1.2.3', '1.2.3', true],
  ['>=1.2.1 1.2.3', '1.2.3', true],
  ['1.2.3 >=1.2.1', '1.2.3', true],
  ['>=1.2.3 >=1.2.1', '1.2.3', true],
  ['>=1.2.1 >=1.2.3', '1.2.3', true],
  ['>=1.2', '1.2.8', true],
  ['^1.2.3', '1.8.1', true],
  ['^0.1.2', '0.1.2', true],
  ['^0.1', '0.1.2', true],
  ['^1.2', '1.4.2', true],
  ['^1.2 ^1', '1.4.2', true],
  ['^0.0.1-alpha', '0.0.1-beta', true],
  ['1.0.0 - 2.0.0', '2.2.3', false],
  ['^1.2.3+build', '2.0.0', false],
  ['^1.2.3+build', '1.2.0', false],
  ['1', '1.0.0beta', false],
  ['<1', '1.0.0beta', false],
  ['< 1', '1.0.0beta', false],
  ['1.0.0', '1.0.1', false],
  ['>=1.0.0', '0.0.0', false],
  ['>=1.0.0', '0.0.1', false],
  ['>=1.0.0', '0.1.0', false],
  ['>1.0.0', '0.0.1', false],
  ['>1.0.0', '0.1.0', false],
  ['<=2.0.0', '3.0.0', false],
  ['<=2.0.0', '2.9999.9999', false],
  ['<=2.0.0', '2.2.9', false],
  ['<2.0.0', '2.9999.9999', false],
  ['<2.0.0', '2.2.9', false],
  ['>=0.1.97', 'v0.1.93', false],
  ['>=0.1.97', '0.1.93', false],
  ['0.1.20 || 1.2.4', '1.2.3', false],
  ['>=0.2.3 || <0.0.1', '0.0.3', false],
  ['>=0.2.3 || <0.0.1', '0.2.2', false],
  ['2.x.x', '1.1.3', false],
  ['2.x.x', '3.1.3', false],
  ['1.2.x', '1.3.3', false],
  ['1.2.x || 2.x', '3.1.3', false],
  ['1.2.x || 2.x', '1.1.3', false],
  ['2.*.*', '1.1.3', false],
  ['2.*.*', '3.1.3', false],
  ['1.2.*', '1.3.3', false],
  ['1.2.* || 2.*', '3.1.3', false],
  ['1.2.* || 2.*', '1.1.3', false],
  ['2', '1.1.2', false],
  ['2.3', '2.4.1', false],
  ['~2.4', '3.0.0', false],
  ['~2.4', '2.3.9', false],
  ['~1', '0.2.3', false],
  ['<1', '1.0.0', false],
  ['>=1.2', '1.1.1', false],
  ['1', '2.0.0beta', false],
  ['~v0.5.4-beta', '0.5.4-alpha', false],
  ['<1.2.3', '1.2.3-beta', false],
  ['^1.2.3', '2.0.0-alpha', false],
  ['^1.2.3', '1.2.2', false],
  ['^1.2', '1.1.9', false],
];

// Stability order dev < alpha < beta < RC < stable < patch, and real Packagist advisory versions.
const ORDER: OrderRow[] = [
  ['1.0.0-dev', '<', '1.0.0-alpha1'],
  ['1.0.0-alpha1', '<', '1.0.0-beta1'],
  ['1.0.0-beta1', '<', '1.0.0-RC1'],
  ['1.0.0-RC1', '<', '1.0.0'],
  ['1.0.0', '<', '1.0.0-patch1'],
  ['1.0.0-p1', '=', '1.0.0-pl1'],
  ['1.0.0-rc1', '=', '1.0.0-RC1'],
  ['1.0.0-b2', '=', '1.0.0-beta2'],
  ['v1.2.3', '=', '1.2.3'],
  ['1.2', '=', '1.2.0.0'],
  ['1.0.0+build1', '=', '1.0.0+build2'],
  ['1.0.x-dev', '>', '1.0.99'],
  ['1.0.x-dev', '<', '1.1.0'],
  ['2010-01-02', '<', '2010-01-03'],
  ['5.4.29', '<', '5.4.30'],
  ['6.4.0-BETA1', '<', '6.4.0'],
  ['10.48.22', '<', '10.48.23'],
  ['2.2.16', '<', '2.2.17'],
  ['7.0.0-RC2', '<', '7.0.0'],
];

function constraintsOf(text: string): [string, string][] {
  const parsed = parseConstraints(text);
  assert.ok(parsed, `${text} parses`);
  assert.equal(parsed.length, 1, `${text} has one alternative`);
  return (parsed[0] ?? []).flatMap((c: ComposerConstraint): [string, string][] =>
    c === 'any' ? [] : [[c.op, c.version]],
  );
}

const OP_NAMES: Record<string, string> = { '=': '==', '<>': '!=' };

describe('composer scheme', () => {
  for (const [text, normalized] of NORMALIZED) {
    it(`normalises ${JSON.stringify(text)} to ${normalized}`, () =>
      assert.equal(normalizeVersion(text), normalized));
  }

  for (const text of NOT_NORMALIZABLE) {
    it(`does not normalise ${JSON.stringify(text)}`, () => {
      assert.equal(normalizeVersion(text), undefined);
      assert.equal(composer.parse(text), undefined);
    });
  }

  for (const text of NOT_VERSIONS) {
    it(`does not parse ${JSON.stringify(text)}`, () => assert.equal(composer.parse(text), undefined));
  }

  for (const [a, op, b, want] of COMPARATOR) {
    it(`${a} ${op} ${b}: ${want}`, () => {
      const c = composer.compare(parseOrFail(composer, a), parseOrFail(composer, b));
      const holds = {
        '>': c > 0,
        '>=': c >= 0,
        '<': c < 0,
        '<=': c <= 0,
        '==': c === 0,
        '=': c === 0,
        '!=': c !== 0,
        '<>': c !== 0,
      }[op];
      assert.equal(holds, want);
    });
  }

  for (const row of ORDER) {
    it(`${row[0]} ${row[1]} ${row[2]}`, () => assertOrder(composer, row));
  }

  for (const [text, want] of [...CONSTRAINTS, ...SIMPLE_CONSTRAINTS]) {
    it(`reads the constraint ${JSON.stringify(text)}`, () => {
      assert.deepEqual(
        constraintsOf(text),
        want.map(([op, v]) => [OP_NAMES[op] ?? op, v]),
      );
    });
  }

  for (const row of SATISFIES) {
    it(`${JSON.stringify(row[1])} in ${JSON.stringify(row[0])}: ${row[2]}`, () =>
      assertSatisfies(composer, row));
  }

  it('refuses invalid constraints', () => {
    for (const text of ['', '^', '^8 || ^', '~', '~1 ~', '~>1.2', '>=foo', '1.0.0-meh', 'foo bar']) {
      assert.equal(composer.parseRange(text), undefined, text);
    }
  });

  it('never matches a version to a branch constraint', () => {
    assert.equal(
      composer.satisfies(parseOrFail(composer, '1.0.0'), composer.parseRange('dev-master')!),
      false,
    );
    assert.equal(
      composer.satisfies(parseOrFail(composer, '1.0.0'), composer.parseRange('!=dev-master')!),
      true,
    );
  });

  it('matches a Packagist advisory through an OSV range (symfony/http-kernel, CVE-2022-24894)', () => {
    const range = parseOsvRange(composer, [
      { introduced: '6.0.0' },
      { fixed: '6.0.20' },
      { introduced: '6.1.0' },
      { fixed: '6.1.12' },
    ]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(composer.satisfies(parseOrFail(composer, 'v6.0.19'), range), true);
    assert.equal(composer.satisfies(parseOrFail(composer, 'v6.0.20'), range), false);
    assert.equal(composer.satisfies(parseOrFail(composer, 'v6.1.11'), range), true);
    assert.equal(composer.satisfies(parseOrFail(composer, 'v6.2.0'), range), false);
  });
});
