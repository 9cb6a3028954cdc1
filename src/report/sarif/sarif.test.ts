import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { SARIF_MULTITOOL_TIMEOUT_MS, validateSarif } from '../../../test/support/report-validate.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import type { ScanResult } from '../../match/model.js';
import { sarif } from './index.js';
import { FINGERPRINT_KEY, relativeUri } from './log.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

interface Rule {
  id: string;
  shortDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  properties: { 'security-severity'?: string; tags: string[] };
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
    logicalLocations: Array<{ fullyQualifiedName: string }>;
  }>;
  partialFingerprints: Record<string, string>;
}
interface Log {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Rule[] } };
    results: Result[];
  }>;
}

const write = (r: ScanResult): Promise<string> => render((out) => sarif.write(r, out, { color: false }));

describe('sarif report', () => {
  it('writes one run, a rule per vulnerability, a result per finding (golden)', async () => {
    const text = await write(scanResultFixture());
    await assertGolden(join(TESTDATA, 'scan-result.golden.sarif'), text);
    const log = JSON.parse(text) as Log;
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const { driver } = log.runs[0]!.tool;
    assert.equal(driver.name, 'corral');
    assert.deepEqual(
      driver.rules.map((r) => r.id),
      [...new Set(scanResultFixture().findings.map((f) => f.vulnerability.id))].sort(),
    );
    const results = log.runs[0]!.results;
    assert.equal(results.length, scanResultFixture().findings.length);
    for (const r of results) assert.equal(driver.rules[r.ruleIndex]!.id, r.ruleId);
  });

  it(
    'validates against the SARIF 2.1.0 schema and sarif-multitool (SARIF and GitHub rules)',
    { timeout: SARIF_MULTITOOL_TIMEOUT_MS },
    async () => {
      assert.deepEqual(await validateSarif(await write(scanResultFixture())), []);
    },
  );

  it('the validation catches a broken log', { timeout: SARIF_MULTITOOL_TIMEOUT_MS }, async () => {
    const log = JSON.parse(await write(scanResultFixture())) as Log;
    (log.runs[0]!.results[0] as unknown as { level: string }).level = 'fatal';
    assert.notDeepEqual(await validateSarif(JSON.stringify(log)), []);
    const noRegion = JSON.parse(await write(scanResultFixture())) as Log;
    delete (noRegion.runs[0]!.results[0]!.locations[0]!.physicalLocation as { region?: unknown }).region;
    const errors = await validateSarif(JSON.stringify(noRegion));
    assert.ok(
      errors.some((e) => / (error|warning) (SARIF2017|GH1003): .*region/.test(e)),
      errors.join('\n'),
    );
  });

  it('maps severity to level and CVSS to security-severity', async () => {
    const log = JSON.parse(await write(scanResultFixture())) as Log;
    const { rules } = log.runs[0]!.tool.driver;
    const results = log.runs[0]!.results;
    const level = (id: string, pkg: string): string | undefined =>
      results.find(
        (r) =>
          r.ruleId === id && r.locations[0]!.logicalLocations[0]!.fullyQualifiedName.includes(`/${pkg}@`),
      )?.level;
    assert.equal(level('CVE-2019-8457', 'libdb5.3'), 'error'); // critical
    assert.equal(level('CVE-2023-4911', 'libc6'), 'error'); // high
    assert.equal(level('CVE-2024-0727', 'libssl3'), 'warning'); // medium
    assert.equal(level('CVE-2023-45853', 'zlib1g'), 'note'); // low (Debian), although NVD says 9.8
    const rule = (id: string): Rule => rules.find((r) => r.id === id)!;
    assert.equal(rule('CVE-2023-45853').properties['security-severity'], '9.8');
    assert.equal(rule('CVE-2023-4911').properties['security-severity'], '7.8');
    assert.ok(rule('CVE-2023-4911').properties.tags.includes('external/cwe/cwe-122'));
    assert.equal(rule('CVE-2023-4911').helpUri, 'https://nvd.nist.gov/vuln/detail/CVE-2023-4911');
  });

  it('puts fix information in the rule help and the result message', async () => {
    const log = JSON.parse(await write(scanResultFixture())) as Log;
    const rule = log.runs[0]!.tool.driver.rules.find((r) => r.id === 'CVE-2024-0727')!;
    assert.match(
      rule.help.markdown,
      /\| libssl3 \| 3\.0\.11-1\\~deb12u2 \| 3\.0\.13-1\\~deb12u1 \| medium \| 0 \(base image\) \|/,
    );
    assert.match(rule.help.markdown, /\| openssl \|/);
    assert.match(
      rule.help.text,
      /libssl3 3\.0\.11-1~deb12u2: Upgrade libssl3 to 3\.0\.13-1~deb12u1 or later\./,
    );
    const kev = log.runs[0]!.tool.driver.rules.find((r) => r.id === 'CVE-2023-4911')!;
    assert.match(kev.help.markdown, /In CISA KEV \(added 2023-11-21, due 2023-12-12\)/);
    const msg = log.runs[0]!.results.find((r) => r.ruleId === 'CVE-2023-45853')!.message.text;
    assert.equal(
      msg,
      'zlib1g 1:1.2.13.dfsg-1 (deb) is affected by CVE-2023-45853 (low). The distribution will not fix zlib1g for this vulnerability (Debian: <ignored> contrib/minizip is not built from src:zlib (Minor issue)).',
    );
  });

  it('locates results at the package file, or the image when there is none', async () => {
    const scan = scanResultFixture();
    const lodash = scan.findings.find((f) => f.package.name === 'lodash')!;
    lodash.package.locations = [];
    const log = JSON.parse(await write(scan)) as Log;
    const uris = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes('var/lib/dpkg/status'));
    assert.ok(uris.includes('usr/local/lib/python3.11/dist-packages/requests-2.31.0.dist-info/METADATA'));
    assert.ok(uris.includes('registry.example.com/team/app%3A1.4.2'));
    assert.equal(relativeUri('/a b/c#d'), 'a%20b/c%23d');
  });

  it('keeps fingerprints stable across versions and distinct across findings', async () => {
    const fp = (log: Log, id: string): string =>
      log.runs[0]!.results.find((r) => r.ruleId === id)!.partialFingerprints[FINGERPRINT_KEY]!;
    const before = JSON.parse(await write(scanResultFixture())) as Log;
    const upgraded = scanResultFixture();
    for (const f of upgraded.findings)
      if (f.package.name === 'perl-base') f.package.version = '5.36.0-7+deb12u2';
    const after = JSON.parse(await write(upgraded)) as Log;
    assert.equal(fp(before, 'CVE-2023-31484'), fp(after, 'CVE-2023-31484'));
    const all = before.runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(new Set(all).size, all.length);
  });

  it('writes a valid empty log when nothing is vulnerable', async () => {
    const log = JSON.parse(await write({ ...scanResultFixture(), findings: [] })) as Log;
    assert.deepEqual(log.runs[0]!.results, []);
    assert.deepEqual(log.runs[0]!.tool.driver.rules, []);
  });
});
