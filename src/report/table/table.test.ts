import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { assertGolden, render } from '../../../test/support/golden.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import { table } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const ESC = '\u001b';

describe('table report', () => {
  it('groups by package under base image / your layers, with a summary line (golden)', async () => {
    const text = await render((out) => table.write(scanResultFixture(), out, { color: false }));
    await assertGolden(join(TESTDATA, 'scan-result.golden.txt'), text);
    assert.ok(!text.includes(ESC), 'no ANSI codes without colour');
    const base = text.indexOf('BASE IMAGE');
    const yours = text.indexOf('YOUR LAYERS');
    assert.ok(base > 0 && yours > base);
    assert.ok(text.indexOf('libc6 2.36-9+deb12u1 (deb)') < yours, 'base-image package under BASE IMAGE');
    assert.ok(text.indexOf('lodash 4.17.20 (npm)') > yours, 'npm package under YOUR LAYERS');
    assert.match(text, /^ {6}CVE-2023-4911 \(\+1\) +high +2\.36-9\+deb12u3 +KEV +71\.9%$/m);
    assert.match(text, /^ {6}CVE-2023-45853 +low +wont-fix +1\.2%$/m);
    assert.match(text, /^ {6}CVE-2019-8457 +critical +end-of-life$/m);
    assert.match(text, /^ {6}CVE-2023-31484 +high +not-fixed +0\.21%$/m);
    const lines = text.trimEnd().split('\n');
    assert.equal(
      lines.at(-1),
      '11 vulnerabilities: 1 critical, 3 high, 5 medium, 1 low, 1 negligible — 7 fixable; 1 in KEV',
    );
    assert.match(text, /NOT COMPARABLE[^\n]*\n {2}internal-tool workspace:\* \(npm, semver\)/);
  });

  it('sorts a package’s vulnerabilities by severity, then id', async () => {
    const text = await render((out) => table.write(scanResultFixture(), out, { color: false }));
    const lodash = text.slice(text.indexOf('lodash 4.17.20'));
    assert.ok(lodash.indexOf('CVE-2021-23337') < lodash.indexOf('CVE-2020-28500'), 'high before medium');
    const libc = text.slice(text.indexOf('libc6 2.36'));
    assert.ok(libc.indexOf('CVE-2023-4911') < libc.indexOf('CVE-2010-4756'), 'high before negligible');
  });

  it('colours severities only when asked, keeping the columns aligned', async () => {
    const text = await render((out) => table.write(scanResultFixture(), out, { color: true }));
    assert.ok(text.includes(`${ESC}[1m${ESC}[31mcritical  ${ESC}[0m${ESC}[0m`));
    const plain = stripVTControlCharacters(text);
    const golden = await render((out) => table.write(scanResultFixture(), out, { color: false }));
    assert.equal(plain, golden);
  });

  it('says so when nothing is vulnerable', async () => {
    const result = { ...scanResultFixture(), findings: [], notComparable: [] };
    const text = await render((out) => table.write(result, out, { color: false }));
    assert.match(text, /No vulnerabilities found\./);
    assert.match(text, /0 vulnerabilities: 0 critical, 0 high, 0 medium, 0 low — 0 fixable; 0 in KEV\n$/);
  });

  it('puts packages with no known layer under LAYER UNKNOWN', async () => {
    const result = scanResultFixture();
    for (const f of result.findings) if (f.package.name === 'libc6') delete f.introducedInLayer;
    const text = await render((out) => table.write(result, out, { color: false }));
    assert.match(text, /LAYER UNKNOWN\n.*\n {2}layer unknown\n {4}libc6/);
  });
});
