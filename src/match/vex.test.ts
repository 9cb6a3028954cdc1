import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanResultFixture } from '../../test/support/scan-result-fixture.js';
import { isAppError } from '../errors.js';
import { parseIgnoreFile } from './ignore.js';
import { applyVex, ignoreFileToOpenVex, parseVex } from './vex.js';

describe('VEX', () => {
  it('OpenVEX not_affected suppresses by alias and purl without qualifiers; other statuses do not', () => {
    const statements = parseVex(
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        statements: [
          {
            vulnerability: { name: 'DSA-5678-1' },
            products: [{ '@id': 'pkg:deb/debian/libssl3' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
          {
            vulnerability: { name: 'CVE-2023-4911' },
            products: [{ '@id': 'pkg:deb/debian/libc6' }],
            status: 'affected',
          },
          // a version in the product must match
          { vulnerability: 'CVE-2023-45853', products: ['pkg:deb/debian/zlib1g@9'], status: 'not_affected' },
        ],
      }),
      'a.openvex.json',
    );
    const out = applyVex(scanResultFixture(), statements);
    assert.deepEqual(
      out.suppressed?.map(
        (s) => `${s.finding.vulnerability.id} ${s.finding.package.name} ${s.by} ${s.justification}`,
      ),
      ['CVE-2024-0727 libssl3 vex vulnerable_code_not_in_execute_path'],
    );
  });

  it('CycloneDX VEX: analysis.state not_affected, affects[].ref resolved through components', () => {
    const statements = parseVex(
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ 'bom-ref': 'zlib', type: 'library', name: 'zlib1g', purl: 'pkg:deb/debian/zlib1g' }],
        vulnerabilities: [
          {
            id: 'CVE-2023-45853',
            analysis: {
              state: 'not_affected',
              justification: 'code_not_reachable',
              detail: 'minizip unused',
            },
            affects: [{ ref: 'zlib' }],
          },
          { id: 'CVE-2010-4756', analysis: { state: 'in_triage' }, affects: [{ ref: 'zlib' }] },
        ],
      }),
      'b.cdx.json',
    );
    const out = applyVex(scanResultFixture(), statements);
    assert.deepEqual(
      out.suppressed?.map((s) => `${s.finding.vulnerability.id} ${s.reason} ${s.justification}`),
      ['CVE-2023-45853 minizip unused code_not_reachable'],
    );
  });

  it('rejects a document that is neither', () => {
    assert.throws(
      () => parseVex('{"foo":1}', 'x.json'),
      (err) => isAppError(err, 'CONFIG_INVALID'),
    );
    assert.throws(
      () => parseVex('not json', 'x.json'),
      (err) => isAppError(err, 'CONFIG_INVALID'),
    );
  });

  it('exports live ignore entries as OpenVEX; justification only when the reason names one', () => {
    const ignore = parseIgnoreFile(
      'ignore:\n  - id: CVE-1\n    package: pkg:npm/a\n    reason: vulnerable_code_not_present in our build\n  - id: CVE-2\n    reason: accepted\n  - id: CVE-3\n    reason: old\n    expires: 2020-01-01\n',
      'i.yaml',
    );
    const doc = ignoreFileToOpenVex(ignore, { now: new Date('2025-01-01T00:00:00Z'), id: 'urn:x' });
    assert.deepEqual(doc.statements, [
      {
        vulnerability: { name: 'CVE-1' },
        products: [{ '@id': 'pkg:npm/a' }],
        status: 'not_affected',
        justification: 'vulnerable_code_not_present',
        impact_statement: 'vulnerable_code_not_present in our build',
      },
      {
        vulnerability: { name: 'CVE-2' },
        products: [],
        status: 'not_affected',
        impact_statement: 'accepted',
      },
    ]);
    // and reads back
    assert.equal(parseVex(JSON.stringify(doc), 'round-trip').length, 2);
  });
});
