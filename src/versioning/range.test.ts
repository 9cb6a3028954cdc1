import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { parseComparatorRange, parseOsvRange, standardOperators } from './range.js';
import { rpm } from './rpm/index.js';
import type { OsvEvent, Version } from './scheme.js';
import { semver } from './semver/index.js';

/** [events, version, affected] */
type OsvRow = readonly [readonly OsvEvent[], string, boolean];

// OSV schema "Evaluation" (https://ossf.github.io/osv-schema/#evaluation) and its examples
// (`affected[].ranges[].events`), evaluated with the SemVer scheme.
const OSV: OsvRow[] = [
  // introduced "0" means from the first version
  [[{ introduced: '0' }, { fixed: '1.0.2' }], '0.0.1', true],
  [[{ introduced: '0' }, { fixed: '1.0.2' }], '1.0.1', true],
  [[{ introduced: '0' }, { fixed: '1.0.2' }], '1.0.2-rc.1', true],
  [[{ introduced: '0' }, { fixed: '1.0.2' }], '1.0.2', false],
  [[{ introduced: '0' }, { fixed: '1.0.2' }], '2.0.0', false],
  // two affected spans, given out of order: events are sorted before the walk
  [
    [{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }],
    '0.9.0',
    false,
  ],
  [[{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }], '1.0.0', true],
  [
    [{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }],
    '1.0.2',
    false,
  ],
  [
    [{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }],
    '1.0.5',
    false,
  ],
  [[{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }], '1.1.0', true],
  [
    [{ introduced: '1.1.0' }, { fixed: '1.1.3' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }],
    '1.1.3',
    false,
  ],
  // last_affected is inclusive
  [[{ introduced: '1.0.0' }, { last_affected: '1.2.0' }], '1.2.0', true],
  [[{ introduced: '1.0.0' }, { last_affected: '1.2.0' }], '1.2.1-alpha', false],
  [[{ introduced: '1.0.0' }, { last_affected: '1.2.0' }], '0.9.9', false],
  // introduced only: every later version
  [[{ introduced: '2.0.0' }], '99.0.0', true],
  [[{ introduced: '2.0.0' }], '2.0.0-rc.1', false],
  // no introduced event: nothing is affected
  [[{ fixed: '2.0.0' }], '1.0.0', false],
  // limit: only versions below one of the limits (`*` = none)
  [[{ introduced: '0' }, { limit: '1.5.0' }], '1.4.0', true],
  [[{ introduced: '0' }, { limit: '1.5.0' }], '1.5.0', false],
  [[{ introduced: '0' }, { limit: '*' }], '9.0.0', true],
  [[{ introduced: '1.0.0' }, { fixed: '2.0.0' }, { limit: '1.5.0' }], '1.6.0', false],
  // equal versions: introduced X, fixed X is empty; introduced X, last_affected X is exactly X
  [[{ introduced: '1.0.0' }, { fixed: '1.0.0' }], '1.0.0', false],
  [[{ fixed: '1.0.0' }, { introduced: '1.0.0' }], '1.0.0', false],
  [[{ introduced: '1.0.0' }, { last_affected: '1.0.0' }], '1.0.0', true],
  [[{ introduced: '1.0.0' }, { last_affected: '1.0.0' }], '1.0.1', false],
];

function v(text: string): Version {
  const parsed = semver.parse(text);
  assert.ok(parsed, `${text} parses`);
  return parsed;
}

describe('parseOsvRange', () => {
  for (const [events, version, want] of OSV) {
    it(`${version} in ${JSON.stringify(events)}: ${want}`, () => {
      const range = parseOsvRange(semver, events);
      assert.ok(range, 'the OSV range parses');
      assert.equal(semver.satisfies(v(version), range), want);
    });
  }

  it('does not need "0" to be a version of the scheme (Go module versions have no "0")', () => {
    assert.equal(go.parse('0'), undefined);
    const range = parseOsvRange(go, [{ introduced: '0' }, { fixed: '0.17.0' }]);
    assert.ok(range, 'the OSV range parses');
    assert.equal(go.satisfies(go.parse('v0.0.0-20230101000000-abcdefabcdef')!, range), true);
  });

  it('reports every unparseable event version and returns undefined', () => {
    const invalid: string[] = [];
    const range = parseOsvRange(dpkg, [{ introduced: 'abc' }, { fixed: '1.0-1' }, { fixed: '' }], (raw) =>
      invalid.push(raw),
    );
    assert.equal(range, undefined);
    assert.deepEqual(invalid, ['abc', '']);
  });

  it('refuses an empty event list and unknown event kinds', () => {
    assert.equal(parseOsvRange(semver, []), undefined);
    assert.equal(parseOsvRange(semver, [{ bogus: '1.0.0' } as unknown as OsvEvent]), undefined);
  });

  it('renders its events as text', () => {
    const range = parseOsvRange(semver, [{ introduced: '0' }, { fixed: '1.0.2' }]);
    assert.equal(String(range), 'introduced 0, fixed 1.0.2');
    assert.equal(range?.scheme, 'semver');
  });
});

describe('parseComparatorRange', () => {
  const ops = standardOperators(rpm.compare);

  it('reads AND lists (comma or space) and || alternatives', () => {
    const range = parseComparatorRange(rpm, '>= 1.0, < 1.5 || > 2.0 <= 2.5 || = 3.0', ops);
    assert.ok(range, 'the range parses');
    const inRange = (text: string): boolean => rpm.satisfies(rpm.parse(text)!, range);
    assert.deepEqual(['0.9', '1.0', '1.4', '1.5', '2.0', '2.1', '2.5', '2.6', '3.0', '3.0-1'].map(inRange), [
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
  });

  it('refuses empty text, empty clauses, unknown operators and unparseable versions', () => {
    for (const text of [
      '',
      ' ',
      ',',
      '>= 1.0,',
      '>= 1.0 ||',
      '=> 1.0',
      '~ 1.0',
      '>= 1.0 <',
      '>= 1.0 x y:z',
    ]) {
      assert.equal(parseComparatorRange(rpm, text, ops), undefined, JSON.stringify(text));
    }
  });
});

describe('opaque versions and ranges', () => {
  it('refuses to compare versions of different schemes (a programmer error)', () => {
    assert.throws(
      () => dpkg.compare(dpkg.parse('1.0')!, rpm.parse('1.0')!),
      /dpkg scheme was given a rpm version/,
    );
    assert.throws(
      () => rpm.compare(rpm.parse('1.0')!, dpkg.parse('1.0')!),
      /rpm scheme was given a dpkg version/,
    );
  });

  it('refuses look-alike objects that no scheme parsed', () => {
    const fake = { scheme: 'dpkg', raw: '1.0', toString: () => '1.0' } as const;
    assert.throws(() => dpkg.compare(fake, dpkg.parse('1.0')!), /parse both sides with the same scheme/);
  });

  it('refuses ranges of another scheme, and versions of another scheme in a range', () => {
    const semverRange = parseOsvRange(semver, [{ introduced: '0' }]);
    assert.ok(semverRange, 'the OSV range parses');
    assert.throws(() => dpkg.satisfies(dpkg.parse('1.0')!, semverRange), /dpkg scheme was given a range/);
    const dpkgRange = parseOsvRange(dpkg, [{ introduced: '1.0' }]);
    assert.ok(dpkgRange, 'the OSV range parses');
    assert.throws(() => dpkg.satisfies(rpm.parse('1.0')!, dpkgRange), /dpkg scheme was given a rpm version/);
    const everything = parseOsvRange(dpkg, [{ introduced: '0' }]);
    assert.ok(everything, 'the OSV range parses');
    assert.throws(() => dpkg.satisfies(rpm.parse('1.0')!, everything), /dpkg scheme was given a rpm version/);
  });

  it('keeps the raw text, serialises as it, and cannot be modified', () => {
    const version = semver.parse(' v1.2.3 ');
    assert.ok(version, 'parses');
    assert.equal(version.raw, ' v1.2.3 ');
    assert.equal(JSON.stringify({ version }), '{"version":" v1.2.3 "}');
    assert.ok(Object.isFrozen(version));
  });
});
