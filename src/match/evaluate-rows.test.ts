/**
 * `evaluateRows` with its cache of parsed ranges: the same range text serves many rows, and ranges
 * that differ in any event, type or scheme never share a cache entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Package } from '../catalog/model.js';
import { schemeFor } from '../versioning/registry.js';
import type { AffectedRange } from '../vulndb/model.js';
import type { AffectedRow } from '../vulndb/store.js';
import { evaluateRows } from './evaluate-rows.js';

function pkg(version: string, type: Package['type'] = 'npm'): Package {
  return {
    id: `p-${version}`,
    name: 'x',
    version,
    type,
    purl: `pkg:${type}/x@${version}`,
    licenses: [],
    cpes: [],
    foundBy: 'test',
    locations: [],
  };
}

function row(id: string, ranges: AffectedRange[]): AffectedRow {
  return {
    vulnId: id,
    advisoryId: id,
    source: 'osv',
    ecosystem: 'npm',
    distroRelease: undefined,
    package: 'x',
    ranges,
    versions: [],
    fixState: 'fixed',
    fixedIn: undefined,
    severity: undefined,
    cpe: undefined,
    note: undefined,
  };
}

const spec = { distro: false, ecosystem: () => 'npm' };
const matched = (
  version: string,
  rows: AffectedRow[],
  type: Package['type'] = 'npm',
  eco = 'npm',
): string[] => evaluateRows(pkg(version, type), schemeFor(eco)!, rows, spec).matches.map((m) => m.row.vulnId);

describe('evaluateRows range cache', () => {
  it('gives every row sharing a range the same verdict, and distinct ranges their own', () => {
    const fixed2 = (): AffectedRange => ({
      type: 'ECOSYSTEM',
      events: [{ introduced: '1.0.0' }, { fixed: '2.0.0' }],
    });
    const rows = [
      row('A', [fixed2()]),
      row('B', [fixed2()]),
      // same values, other event kinds / type: must not reuse A's parse
      row('C', [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { last_affected: '2.0.0' }] }]),
      row('D', [
        { type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '2.0.0' }, { introduced: '3.0.0' }] },
      ]),
      row('E', [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0fixed' }, { fixed: '2.0.0' }] }]),
    ];
    for (let pass = 0; pass < 2; pass++) {
      assert.deepEqual(matched('1.5.0', rows), ['A', 'B', 'C', 'D'], `pass ${pass}`);
      assert.deepEqual(matched('2.0.0', rows), ['C'], `pass ${pass}`);
      assert.deepEqual(matched('3.1.0', rows), ['D'], `pass ${pass}`);
      assert.deepEqual(matched('0.9.0', rows), [], `pass ${pass}`);
    }
  });

  it('keys ranges by scheme: a range cached for npm is parsed again for PyPI', () => {
    const r = (): AffectedRange => ({
      type: 'ECOSYSTEM',
      events: [{ introduced: '0' }, { fixed: '1.0.0rc1' }],
    });
    // semver: 1.0.0rc1 is not a valid version, so the npm range is invalid and matches nothing
    assert.deepEqual(matched('0.5.0', [row('N', [r()])]), []);
    assert.deepEqual(
      evaluateRows(pkg('0.5.0'), schemeFor('npm')!, [row('N', [r()])], spec).ignores.map((i) => i.reason),
      ['invalid-range'],
    );
    // PEP 440: 1.0.0rc1 is valid, 0.5.0 is below it
    assert.deepEqual(matched('0.5.0', [row('P', [r()])], 'pypi', 'PyPI'), ['P']);
    assert.deepEqual(matched('1.0.0', [row('P', [r()])], 'pypi', 'PyPI'), []);
  });

  it('does not cache ranges with non-string event values (hostile feeds)', () => {
    const odd = row('O', [{ type: 'ECOSYSTEM', events: [{ introduced: 1 as unknown as string }] }]);
    const res = evaluateRows(pkg('1.0.0'), schemeFor('npm')!, [odd], spec);
    assert.deepEqual(res.matches, []);
    assert.deepEqual(
      res.ignores.map((i) => i.reason),
      ['invalid-range'],
    );
  });
});
