import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import type { Finding, ScanResult } from '../../match/model.js';
import { mdCell, mdParagraph } from '../markdown-escape.js';
import type { ReportOptions } from '../report.js';
import { markdown, MAX_DETAIL_ROWS, TOP_FINDINGS } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

const write = (r: ScanResult, opts: ReportOptions = { color: false }): Promise<string> =>
  render((out) => markdown.write(r, out, opts));

describe('markdown report', () => {
  it('summarises counts, the gate, top critical/high findings and collapsible details (golden)', async () => {
    const text = await write(scanResultFixture(), { color: false, failOn: 'high' });
    await assertGolden(join(TESTDATA, 'scan-result-fail-on-high.golden.md'), text);
    assert.match(text, /^## Corral scan: registry\.example\.com\/team\/app:1\.4\.2$/m);
    assert.match(
      text,
      /^\*\*11 vulnerabilities: 1 critical, 3 high, 5 medium, 1 low, 1 negligible — 7 fixable; 1 in KEV\*\*$/m,
    );
    assert.match(text, /\*\*Gate failed\*\*: 4 findings at or above `high`/);
    assert.match(text, /^\| High \| 3 \| 2 \|$/m);
    assert.match(
      text,
      /^\| \[CVE-2023-4911\]\(https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2023-4911\) \| libc6 \| 2\.36-9\+deb12u1 \| 2\.36-9\+deb12u3 \| High \| yes \| 71\.9% \|$/m,
    );
    assert.match(text, /<details>\n<summary>All 11 findings<\/summary>\n\n\| ID \|/);
    assert.match(text, /<summary>1 package not checked: version not comparable<\/summary>/);
  });

  it('says the gate passed when nothing reaches failOn, and omits it when unset', async () => {
    assert.match(
      await write(scanResultFixture(), { color: false, failOn: 'critical' }),
      /Gate failed\*\*: 1 finding at/,
    );
    const low = scanResultFixture();
    low.findings = low.findings.filter((f) => f.severity === 'low');
    assert.match(
      await write(low, { color: false, failOn: 'high' }),
      /\*\*Gate passed\*\*: no finding at or above `high`/,
    );
    assert.doesNotMatch(await write(scanResultFixture()), /Gate/);
  });

  it(`lists at most ${TOP_FINDINGS} critical/high findings, then says how many more`, async () => {
    const scan = scanResultFixture();
    const base = scan.findings.find((f) => f.severity === 'high')!;
    scan.findings = Array.from({ length: TOP_FINDINGS + 3 }, (_, i): Finding => ({
      ...base,
      vulnerability: { ...base.vulnerability, id: `CVE-2024-${1000 + i}` },
    }));
    const text = await write(scan);
    assert.match(text, new RegExp(`### Critical and high \\(top ${TOP_FINDINGS}\\)`));
    assert.match(text, /…and 3 more critical or high findings below\./);
  });

  it(`collapses at most ${MAX_DETAIL_ROWS} findings`, async () => {
    const scan = scanResultFixture();
    const base = scan.findings[0]!;
    scan.findings = Array.from({ length: MAX_DETAIL_ROWS + 5 }, (_, i): Finding => ({
      ...base,
      vulnerability: { ...base.vulnerability, id: `CVE-2024-${10000 + i}` },
    }));
    const text = await write(scan);
    assert.equal(
      text.split('\n').filter((l) => l.startsWith('| [CVE-2024-')).length,
      TOP_FINDINGS + MAX_DETAIL_ROWS,
    );
    assert.match(text, /…and 5 more: see the JSON or SARIF report\./);
  });

  it('escapes feed text so it cannot inject markup into the comment', async () => {
    const scan = scanResultFixture();
    const f = scan.findings.find((x) => x.package.name === 'lodash')!;
    f.package.name = 'evil|<img src=x onerror=alert(1)>*[x](https://e.example)';
    const text = await write(scan);
    assert.ok(text.includes('evil\\|&lt;img src=x onerror=alert(1)&gt;\\*\\[x\\](https://e.example)'));
    assert.doesNotMatch(text, /<img/);
    assert.equal(mdCell(''), '—');
    assert.equal(mdParagraph('# 1. not a heading'), '\\# 1. not a heading');
    assert.equal(mdParagraph('1. item'), '1\\. item');
  });

  it('reports a clean image', async () => {
    const text = await write({ ...scanResultFixture(), findings: [], notComparable: [] });
    assert.match(
      text,
      /\*\*0 vulnerabilities: 0 critical, 0 high, 0 medium, 0 low — 0 fixable; 0 in KEV\*\*\n$/,
    );
  });
});
