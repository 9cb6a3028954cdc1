import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { validateGitlab } from '../../../test/support/report-validate.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import type { ScanResult } from '../../match/model.js';
import { gitlab, nameUuid } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

interface Vuln {
  id: string;
  name: string;
  severity: string;
  solution: string;
  identifiers: Array<{ type: string; name: string; value: string; url?: string }>;
  cvss_vectors?: Array<{ vendor: string; vector: string }>;
  location: {
    dependency: { package: { name: string }; version: string };
    operating_system: string;
    image: string;
  };
}
interface Report {
  version: string;
  scan: { type: string; start_time: string; end_time: string; status: string; analyzer: { id: string } };
  vulnerabilities: Vuln[];
  remediations: unknown[];
}

const write = (r: ScanResult): Promise<string> => render((out) => gitlab.write(r, out, { color: false }));

describe('gitlab report', () => {
  it('writes a container-scanning report valid against the GitLab 15.2.4 schema (golden)', async () => {
    const text = await write(scanResultFixture());
    await assertGolden(join(TESTDATA, 'scan-result.golden.json'), text);
    assert.deepEqual(await validateGitlab(text), []);
    const report = JSON.parse(text) as Report;
    assert.equal(report.version, '15.2.4');
    assert.deepEqual(
      {
        type: report.scan.type,
        start: report.scan.start_time,
        end: report.scan.end_time,
        status: report.scan.status,
      },
      {
        type: 'container_scanning',
        start: '2024-06-02T10:15:00',
        end: '2024-06-02T10:15:04',
        status: 'success',
      },
    );
    assert.equal(report.vulnerabilities.length, scanResultFixture().findings.length);
    assert.deepEqual(report.remediations, []);
  });

  it('locates each finding at package, OS and image, with the vulnerability id as primary identifier', async () => {
    const report = JSON.parse(await write(scanResultFixture())) as Report;
    const v = report.vulnerabilities.find((x) => x.identifiers[0]!.value === 'CVE-2023-43804')!;
    assert.deepEqual(v.location, {
      dependency: { package: { name: 'python3-urllib3' }, version: '1.26.12-1' },
      operating_system: 'debian 12',
      image: 'registry.example.com/team/app:1.4.2',
    });
    assert.deepEqual(
      v.identifiers.map((i) => `${i.type}:${i.value}`),
      ['cve:CVE-2023-43804', 'ghsa:GHSA-v845-jxx5-vc9f', 'dla:DLA-3610-1', 'cwe:200'],
    );
    assert.equal(v.severity, 'Medium');
    assert.equal(v.solution, 'Upgrade python3-urllib3 to 1.26.12-1+deb12u1 or later.');
    const glob = report.vulnerabilities.find((x) => x.identifiers[0]!.value === 'CVE-2010-4756')!;
    assert.equal(glob.severity, 'Info');
    assert.deepEqual(glob.cvss_vectors, [{ vendor: 'nvd', vector: 'AV:N/AC:L/Au:S/C:N/I:N/A:P' }]);
  });

  it('gives each finding a stable, unique id', async () => {
    const a = JSON.parse(await write(scanResultFixture())) as Report;
    const b = JSON.parse(await write(scanResultFixture())) as Report;
    assert.deepEqual(
      a.vulnerabilities.map((v) => v.id),
      b.vulnerabilities.map((v) => v.id),
    );
    assert.equal(new Set(a.vulnerabilities.map((v) => v.id)).size, a.vulnerabilities.length);
    assert.match(nameUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('stays valid without a distro, with odd vectors and long summaries', async () => {
    const scan = scanResultFixture();
    delete scan.sbom.distro;
    scan.findings[0]!.vulnerability.severities.push({
      source: 'x',
      level: 'high',
      type: 'CVSS_V3',
      vector: 'not a vector',
    });
    scan.findings[1]!.vulnerability.summary = 'x'.repeat(5000);
    scan.findings[2]!.vulnerability.references.push({ url: 'javascript:alert(1)' });
    const text = await write(scan);
    assert.deepEqual(await validateGitlab(text), []);
    assert.equal((JSON.parse(text) as Report).vulnerabilities[0]!.location.operating_system, 'unknown');
  });

  it('the schema check catches a broken report', async () => {
    const report = JSON.parse(await write(scanResultFixture())) as Report;
    report.vulnerabilities[0]!.severity = 'Severe';
    report.vulnerabilities[1]!.identifiers = [];
    assert.equal((await validateGitlab(JSON.stringify(report))).length, 2);
  });
});
