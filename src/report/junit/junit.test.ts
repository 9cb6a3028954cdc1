import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { readJunit } from '../../../test/support/junit-reader.js';
import { scanResultFixture } from '../../../test/support/scan-result-fixture.js';
import { parseXml } from '../../../test/support/xml.js';
import type { ScanResult } from '../../match/model.js';
import type { ReportOptions } from '../report.js';
import { junit } from './index.js';
import { xmlAttr, xmlText } from './xml.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

const write = (r: ScanResult, opts: ReportOptions = { color: false }): Promise<string> =>
  render((out) => junit.write(r, out, opts));

describe('junit report', () => {
  it('writes a suite per package and a case per finding; failOn high fails high and critical (golden)', async () => {
    const xml = await write(scanResultFixture(), { color: false, failOn: 'high' });
    await assertGolden(join(TESTDATA, 'scan-result-fail-on-high.golden.xml'), xml);
    const report = readJunit(xml);
    const fixture = scanResultFixture();
    assert.equal(report.tests, fixture.findings.length);
    assert.equal(report.suites.length, new Set(fixture.findings.map((f) => f.package.id)).size);
    assert.equal(report.failures, 4);
    const libc = report.suites.find((s) => s.name === 'deb/libc6@2.36-9+deb12u1')!;
    assert.equal(libc.timestamp, '2024-06-02T10:15:04');
    assert.equal(libc.properties.purl, 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12');
    const [looney, glob] = libc.cases;
    assert.equal(looney!.name, 'CVE-2023-4911');
    assert.equal(looney!.classname, 'deb.libc6');
    assert.deepEqual(
      { message: looney!.failure!.message, type: looney!.failure!.type },
      {
        message: 'CVE-2023-4911 (high) in libc6 2.36-9+deb12u1: fix 2.36-9+deb12u3',
        type: 'high',
      },
    );
    assert.match(looney!.failure!.text, /CISA KEV: added 2023-11-21/);
    assert.equal(glob!.failure, undefined, 'negligible passes under --fail-on high');
    assert.match(glob!.systemOut!, /^CVE-2010-4756: negligible\n/);
  });

  it('fails every finding when failOn is unset', async () => {
    const report = readJunit(await write(scanResultFixture()));
    assert.equal(report.failures, report.tests);
    for (const s of report.suites) assert.equal(s.failures, s.tests);
  });

  it('escapes markup and drops characters XML cannot carry', async () => {
    const scan = scanResultFixture();
    const f = scan.findings.find((x) => x.vulnerability.id === 'CVE-2020-28500')!;
    f.vulnerability.summary = 'a <b>&amp;</b> "c" \'d\' ]]> \u0000\u001b\ud800 e\r\n\tf';
    f.package.name = 'lo"dash<&>';
    const xml = await write(scan);
    const report = readJunit(xml);
    const c = report.suites.flatMap((s) => s.cases).find((x) => x.name === 'CVE-2020-28500')!;
    assert.match(c.failure!.text, /a <b>&amp;<\/b> "c" 'd' \]\]> \ufffd\ufffd\ufffd e\r?\n\tf/);
    assert.equal(c.classname, 'npm.lo"dash<&>');
    assert.equal(xmlAttr('a\tb\nc\rd"<&'), 'a&#9;b&#10;c&#13;d&quot;&lt;&amp;');
    assert.equal(xmlText(']]>'), ']]&gt;');
  });

  it('writes one passing case when nothing is vulnerable (Jenkins fails a build on an empty report)', async () => {
    const report = readJunit(
      await write({ ...scanResultFixture(), findings: [] }, { color: false, failOn: 'low' }),
    );
    assert.equal(report.tests, 1);
    assert.equal(report.failures, 0);
    assert.equal(report.suites[0]!.cases[0]!.name, 'no known vulnerabilities');
  });

  it('the reader rejects what is not well-formed or not JUnit', () => {
    assert.throws(() => parseXml('<a><b></a></b>'), /closes/);
    assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate attribute/);
    assert.throws(() => parseXml('<a>1 & 2</a>'), /bare "&"/);
    assert.throws(() => parseXml('<a>&nbsp;</a>'), /unknown entity/);
    assert.throws(() => parseXml('<a>\u0001</a>'), /not allowed/);
    assert.throws(() => parseXml('<a/><b/>'), /after the root/);
    assert.throws(
      () =>
        readJunit(
          '<testsuites><testsuite name="s" tests="2"><testcase name="t" classname="c"/></testsuite></testsuites>',
        ),
      /tests=2 but 1/,
    );
    assert.throws(
      () =>
        readJunit(
          '<testsuite name="s" tests="1" failures="0"><testcase name="t" classname="c"><failure message="m" type="t"/></testcase></testsuite>',
        ),
      /failures=0/,
    );
    assert.throws(
      () =>
        readJunit(
          '<testsuite name="s" tests="1" timestamp="2024-06-02T10:15:04Z"><testcase name="t" classname="c"/></testsuite>',
        ),
      /timestamp/,
    );
  });
});
