import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanResultFixture } from '../../test/support/scan-result-fixture.js';
import type { SeverityLevel } from '../vulndb/model.js';
import { advisorySource, cweNumber } from './advisory-links.js';
import { findingsByPackage, sortedFindings } from './order.js';
import { countFindings, epssPercent, fixLabel, reachesThreshold, summaryLine } from './summary.js';

describe('report summary helpers', () => {
  it('counts findings by severity, fixable and KEV', () => {
    const c = countFindings(scanResultFixture().findings);
    assert.deepEqual(c.bySeverity, { critical: 1, high: 3, medium: 5, low: 1, negligible: 1, unknown: 0 });
    assert.deepEqual([c.total, c.fixable, c.kev, c.packages], [11, 7, 1, 9]);
    assert.equal(
      summaryLine(c),
      '11 vulnerabilities: 1 critical, 3 high, 5 medium, 1 low, 1 negligible — 7 fixable; 1 in KEV',
    );
  });

  // --fail-on LEVEL: a finding at LEVEL or above reaches the threshold
  const thresholds: Array<[SeverityLevel, SeverityLevel, boolean]> = [
    ['critical', 'high', true],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['negligible', 'low', false],
    ['unknown', 'low', false],
    ['low', 'low', true],
  ];
  for (const [severity, failOn, expected] of thresholds) {
    it(`${severity} ${expected ? 'reaches' : 'does not reach'} --fail-on ${failOn}`, () => {
      assert.equal(reachesThreshold(severity, failOn), expected);
    });
  }

  it('labels fixes and EPSS', () => {
    assert.equal(fixLabel({ fixState: 'fixed', fixedIn: '4.17.21' }), '4.17.21');
    assert.equal(fixLabel({ fixState: 'fixed' }), 'fixed');
    assert.equal(fixLabel({ fixState: 'end-of-life' }), 'end-of-life');
    const f = scanResultFixture().findings[0]!;
    f.vulnerability.epss = { score: 0.752, percentile: 0.99, date: '2024-06-01' };
    assert.equal(epssPercent(f), '75.2%');
    f.vulnerability.epss.score = 0.00043;
    assert.equal(epssPercent(f), '0.04%');
    delete f.vulnerability.epss;
    assert.equal(epssPercent(f), '');
  });

  it('orders findings by severity then id, and packages by layer', () => {
    const ids = sortedFindings(scanResultFixture().findings).map(
      (f) => `${f.severity}:${f.vulnerability.id}:${f.package.name}`,
    );
    assert.deepEqual(ids.slice(0, 3), [
      'critical:CVE-2019-8457:libdb5.3',
      'high:CVE-2021-23337:lodash',
      'high:CVE-2023-31484:perl-base',
    ]);
    assert.deepEqual(ids.slice(-1), ['negligible:CVE-2010-4756:libc6']);
    const layers = findingsByPackage(scanResultFixture().findings).map(
      (g) => g.findings[0]!.introducedInLayer!.index,
    );
    assert.deepEqual(
      layers,
      [...layers].sort((a, b) => a - b),
    );
  });

  // id prefix → publisher and page
  const sources: Array<[string, string, string, string | undefined]> = [
    ['CVE-2023-4911', 'NVD', 'cve', 'https://nvd.nist.gov/vuln/detail/CVE-2023-4911'],
    ['GHSA-v845-jxx5-vc9f', 'GitHub', 'ghsa', 'https://github.com/advisories/GHSA-v845-jxx5-vc9f'],
    ['DSA-5514-1', 'Debian', 'dsa', 'https://security-tracker.debian.org/tracker/DSA-5514-1'],
    ['DLA-3610-1', 'Debian', 'dla', 'https://security-tracker.debian.org/tracker/DLA-3610-1'],
    ['PYSEC-2023-212', 'OSV', 'pysec', 'https://osv.dev/vulnerability/PYSEC-2023-212'],
    ['RHSA-2024:1234', 'Red Hat', 'rhsa', 'https://access.redhat.com/errata/RHSA-2024:1234'],
    ['XYZ-1', 'unknown', 'xyz', undefined],
    ['12345', 'unknown', 'other', undefined],
  ];
  for (const [id, name, kind, url] of sources) {
    it(`knows where ${id} is published`, () => {
      assert.deepEqual(advisorySource(id), { name, kind, ...(url !== undefined && { url }) });
    });
  }

  it('reads CWE numbers', () => {
    assert.equal(cweNumber('CWE-79'), 79);
    assert.equal(cweNumber('NVD-CWE-Other'), undefined);
  });
});
