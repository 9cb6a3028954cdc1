import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanResultFixture } from '../../test/support/scan-result-fixture.js';
import { isAppError } from '../errors.js';
import { applyIgnoreFile, parseIgnoreFile } from './ignore.js';

const NOW = new Date('2025-06-01T12:00:00Z');

describe('ignore file', () => {
  it('suppresses by id or alias, by package name or purl (qualifiers ignored); expired entries warn', () => {
    const ignore = parseIgnoreFile(
      [
        'ignore:',
        '  - id: DSA-5678-1', // alias of CVE-2024-0727
        '    package: pkg:deb/debian/libssl3',
        '    reason: mitigated',
        '  - id: CVE-2023-45853',
        '    package: zlib1g',
        '    reason: not reachable',
        '    expires: 2030-01-01',
        '  - id: CVE-2010-4756',
        '    reason: old',
        '    expires: 2025-06-01', // expires today: no longer suppresses
      ].join('\n'),
      '.corralignore.yaml',
    );
    const input = scanResultFixture();
    const out = applyIgnoreFile(input, ignore, NOW);
    assert.deepEqual(
      out.suppressed?.map((s) => `${s.finding.vulnerability.id} ${s.finding.package.name} ${s.reason}`),
      ['CVE-2024-0727 libssl3 mitigated', 'CVE-2023-45853 zlib1g not reachable'],
    );
    assert.equal(out.findings.length, input.findings.length - 2);
    assert.ok(
      out.findings.some((f) => f.vulnerability.id === 'CVE-2024-0727' && f.package.name === 'openssl'),
    );
    assert.ok(out.findings.some((f) => f.vulnerability.id === 'CVE-2010-4756'));
    assert.equal(out.warnings?.length, 1);
    assert.match(out.warnings[0]!, /CVE-2010-4756 expired on 2025-06-01/);
  });

  it('rejects unknown keys and bad dates with file:line and path, all at once', () => {
    const text =
      'ignore:\n  - id: CVE-1\n    reason: x\n    until: 2030-01-01\n  - id: CVE-2\n    reason: y\n    expires: 31/12/2030\n';
    assert.throws(
      () => parseIgnoreFile(text, 'f.yaml'),
      (err) =>
        isAppError(err, 'CONFIG_INVALID') &&
        err.message.includes('f.yaml:4: ignore.0.until: unknown key') &&
        err.message.includes('f.yaml:7: ignore.1.expires: expected a date YYYY-MM-DD'),
    );
    assert.throws(
      () => parseIgnoreFile('ignore: [\n', 'g.yaml'),
      (err) => isAppError(err, 'CONFIG_INVALID'),
    );
    assert.throws(
      () => parseIgnoreFile('ignore:\n  - id: CVE-1\n', 'h.yaml'),
      (err) => isAppError(err, 'CONFIG_INVALID'),
    );
  });
});
