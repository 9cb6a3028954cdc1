import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { SCAN_RESULT_SCHEMA, validateScanResultJson } from '../../../test/support/report-validate.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult } from '../../match/model.js';
import { json } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

describe('json report', () => {
  it('writes the scan result with its schemaVersion, findings sorted (golden)', async () => {
    const text = await render((out) => json.write(scanResultFixture(), out, { color: false }));
    await assertGolden(join(TESTDATA, 'scan-result.golden.json'), text);
    const doc = JSON.parse(text) as ScanResult;
    assert.equal(doc.schemaVersion, SCAN_RESULT_SCHEMA_VERSION);
    assert.deepEqual(Object.keys(doc), [
      'schemaVersion',
      'scannedAt',
      'db',
      'sbom',
      'findings',
      'notComparable',
    ]);
    assert.deepEqual(
      doc.findings.slice(0, 4).map((f) => `${f.severity} ${f.vulnerability.id}`),
      ['critical CVE-2019-8457', 'high CVE-2021-23337', 'high CVE-2023-31484', 'high CVE-2023-4911'],
    );
  });

  it('loses nothing: the output is the input, reordered', async () => {
    const input = scanResultFixture();
    const doc = JSON.parse(await render((out) => json.write(input, out, { color: false }))) as ScanResult;
    const key = (f: ScanResult['findings'][number]): string => `${f.vulnerability.id}/${f.package.id}`;
    assert.deepEqual(
      [...doc.findings].sort((a, b) => key(a).localeCompare(key(b))),
      [...input.findings].sort((a, b) => key(a).localeCompare(key(b))),
    );
    assert.deepEqual(
      new Set(doc.sbom.packages.map((p) => p.id)),
      new Set(input.sbom.packages.map((p) => p.id)),
    );
    assert.deepEqual({ ...doc, findings: [], sbom: null }, { ...input, findings: [], sbom: null });
  });

  it('validates against the published JSON Schema, as does the fixture', async () => {
    const text = await render((out) => json.write(scanResultFixture(), out, { color: false }));
    assert.deepEqual(await validateScanResultJson(text), []);
    assert.deepEqual(await validateScanResultJson(JSON.stringify(scanResultFixture())), []);
  });

  it('the schema rejects what the model forbids', async () => {
    const bad = scanResultFixture() as unknown as {
      findings: Array<Record<string, unknown>>;
      extra?: number;
    };
    bad.findings[0]!.severity = 'severe';
    bad.findings[1]!.fixState = 'maybe';
    bad.extra = 1;
    const errors = await validateScanResultJson(JSON.stringify(bad));
    assert.ok(
      errors.some((e) => e.startsWith('/findings/0/severity')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('/findings/1/fixState')),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.includes('"additionalProperty":"extra"')),
      errors.join('\n'),
    );
  });

  it('documents every top-level and finding field in README.md', async () => {
    const readme = await readFile(join(import.meta.dirname, 'README.md'), 'utf8');
    const schema = JSON.parse(await readFile(SCAN_RESULT_SCHEMA, 'utf8')) as {
      properties: Record<string, unknown>;
      definitions: Record<string, { properties: Record<string, unknown> }>;
    };
    const fields = [
      ...Object.keys(schema.properties),
      ...['finding', 'vulnerability', 'severityRating'].flatMap((d) =>
        Object.keys(schema.definitions[d]!.properties),
      ),
    ];
    for (const f of fields)
      assert.match(readme, new RegExp(`\`${f}\``), `README.md does not mention \`${f}\``);
  });
});
