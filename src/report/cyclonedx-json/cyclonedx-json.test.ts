import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, redactUuids, render } from '../../../test/support/golden.js';
import { validateCycloneDx } from '../../../test/support/sbom-validate.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import type { ScanResult } from '../../match/model.js';
import { encodeCycloneDx } from '../../sbom/cyclonedx-json/encode.js';
import { cyclonedxJson } from './index.js';
import { cdxMethod, isoDateTime } from './vulnerabilities.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

interface Vuln {
  'bom-ref': string;
  id: string;
  source: { name: string; url?: string };
  references?: Array<{ id: string; source: { name: string; url?: string } }>;
  ratings: Array<{
    source: { name: string };
    score?: number;
    severity: string;
    method: string;
    vector?: string;
  }>;
  cwes?: number[];
  analysis: { state: string; response?: string[]; detail: string };
  affects: Array<{ ref: string; versions: Array<{ version: string; status: string }> }>;
  properties: Array<{ name: string; value: string }>;
}
interface Bom {
  components: Array<{ 'bom-ref': string }>;
  vulnerabilities: Vuln[];
  metadata: { tools: { components: Array<{ name: string }> } };
}

const write = (r: ScanResult): Promise<string> =>
  render((out) => cyclonedxJson.write(r, out, { color: false }));

describe('cyclonedx-json report', () => {
  it('writes the SBOM with vulnerabilities (golden) and validates against CycloneDX 1.6', async () => {
    const text = await write(scanResultFixture());
    await assertGolden(join(TESTDATA, 'scan-result.golden.cdx.json'), redactUuids(text));
    assert.deepEqual(await validateCycloneDx(text), []);
  });

  it('carries the same components as `corral sbom -o cyclonedx-json`', async () => {
    const scan = scanResultFixture();
    const report = JSON.parse(await write(scan)) as Record<string, unknown>;
    const sbom = JSON.parse(await render((out) => encodeCycloneDx(scan.sbom, out))) as Record<
      string,
      unknown
    >;
    assert.deepEqual(report.components, sbom.components);
    assert.deepEqual(report.dependencies, sbom.dependencies);
  });

  it('points affects[].ref at the package components and lists aliases in references', async () => {
    const bom = JSON.parse(await write(scanResultFixture())) as Bom;
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    for (const v of bom.vulnerabilities)
      for (const a of v.affects) assert.ok(refs.has(a.ref), `${v.id} affects unknown ${a.ref}`);
    const urllib = bom.vulnerabilities.find((v) => v.id === 'CVE-2023-43804')!;
    assert.deepEqual(urllib.references, [
      {
        id: 'GHSA-v845-jxx5-vc9f',
        source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-v845-jxx5-vc9f' },
      },
      {
        id: 'DLA-3610-1',
        source: { name: 'Debian', url: 'https://security-tracker.debian.org/tracker/DLA-3610-1' },
      },
    ]);
    assert.deepEqual(
      urllib.ratings.map((r) => `${r.source.name}:${r.severity}:${r.method}`),
      ['debian:medium:other', 'ghsa:high:CVSSv31', 'nvd:high:CVSSv31'],
    );
    const openssl = bom.vulnerabilities.find((v) => v.id === 'CVE-2024-0727')!;
    assert.equal(openssl.affects.length, 2, 'libssl3 and openssl share one entry');
    assert.deepEqual(openssl.affects[0]!.versions, [
      { version: '3.0.11-1~deb12u2', status: 'affected' },
      { version: '3.0.13-1~deb12u1', status: 'unaffected' },
    ]);
    assert.deepEqual(openssl.cwes, [476]);
  });

  it('states the VEX analysis of each fix state with the spec’s enums', async () => {
    const bom = JSON.parse(await write(scanResultFixture())) as Bom;
    const analysis = (id: string): Vuln['analysis'] => bom.vulnerabilities.find((v) => v.id === id)!.analysis;
    assert.deepEqual(analysis('CVE-2023-4911').response, ['update']);
    assert.equal(analysis('CVE-2023-4911').state, 'exploitable');
    assert.equal(analysis('CVE-2023-31484').response, undefined, 'not-fixed: no response yet');
    assert.deepEqual(analysis('CVE-2023-45853').response, ['will_not_fix']);
    assert.match(analysis('CVE-2023-45853').detail, /minizip/);
    assert.deepEqual(analysis('CVE-2019-8457').response, ['update']);
    assert.match(analysis('CVE-2019-8457').detail, /end-of-life/);
  });

  it('records KEV and EPSS as properties', async () => {
    const bom = JSON.parse(await write(scanResultFixture())) as Bom;
    const props = Object.fromEntries(
      bom.vulnerabilities.find((v) => v.id === 'CVE-2023-4911')!.properties.map((p) => [p.name, p.value]),
    );
    assert.equal(props['corral:kev:dateAdded'], '2023-11-21');
    assert.equal(props['corral:kev:knownRansomware'], 'false');
    assert.equal(props['corral:epss:score'], '0.71923');
  });

  it('adds a component for a finding package missing from the SBOM, and names Corral among the tools', async () => {
    const scan = scanResultFixture();
    const lodash = scan.findings.find((f) => f.package.name === 'lodash')!.package.id;
    scan.sbom.packages = scan.sbom.packages.filter((p) => p.id !== lodash);
    scan.sbom.relationships = scan.sbom.relationships.filter((r) => r.to !== lodash);
    scan.sbom.tool = { name: 'syft', version: '1.0.0' };
    const text = await write(scan);
    assert.deepEqual(await validateCycloneDx(text), []);
    const bom = JSON.parse(text) as Bom;
    assert.ok(bom.components.some((c) => c['bom-ref'] === lodash));
    assert.deepEqual(
      bom.metadata.tools.components.map((t) => t.name),
      ['syft', 'corral'],
    );
  });

  it('maps rating methods and dates', () => {
    assert.equal(
      cdxMethod({ source: 'nvd', level: 'high', type: 'CVSS_V3', vector: 'CVSS:3.0/AV:N' }),
      'CVSSv3',
    );
    assert.equal(
      cdxMethod({ source: 'nvd', level: 'high', type: 'CVSS_V4', vector: 'CVSS:4.0/AV:N' }),
      'CVSSv4',
    );
    assert.equal(cdxMethod({ source: 'nvd', level: 'high', type: 'CVSS_V2', vector: 'AV:N/AC:L' }), 'CVSSv2');
    assert.equal(cdxMethod({ source: 'debian', level: 'low', type: 'distro' }), 'other');
    assert.equal(isoDateTime('2024-01-26'), '2024-01-26T00:00:00Z');
    assert.equal(isoDateTime('2024-01-26T09:15:07Z'), '2024-01-26T09:15:07Z');
    assert.equal(isoDateTime('26 Jan 2024'), undefined);
  });
});
