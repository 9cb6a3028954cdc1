/**
 * `corral scan` as CI runs it: a real OCI image built in the test (dpkg status + os-release of Debian 12
 * and a node_modules package) against a vulndb imported from fixture feeds in upstream formats
 * (src/match/testdata); exact findings, the `--fail-on` gate, several reports at once, and the same
 * findings from `corral scan sbom:FILE` on the CycloneDX that `corral sbom` wrote.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout } from '../helpers/build-image.js';
import { runCli } from '../helpers/cli.js';
import { buildFixtureDb } from '../support/fixture-vulndb.js';

const TESTDATA = join(import.meta.dirname, '..', '..', 'src', 'match', 'testdata');

const DPKG_STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6161
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12986
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u3
Description: GNU C Library: Shared libraries

`;

const EXPECTED = [
  'CVE-2021-23337 lodash 4.17.20 high fixed',
  'CVE-2023-5363 libssl3 3.0.11-1~deb12u1 high fixed',
  'CVE-2023-5678 libssl3 3.0.11-1~deb12u1 low wont-fix',
  'CVE-2024-0727 libssl3 3.0.11-1~deb12u1 medium not-fixed',
  'CVE-2024-2511 libssl3 3.0.11-1~deb12u1 unknown end-of-life',
];

interface JsonReport {
  findings: {
    vulnerability: { id: string; aliases: string[] };
    package: { name: string; version: string };
    severity: string;
    fixState: string;
  }[];
}

function summarise(report: JsonReport): string[] {
  return report.findings
    .map((f) => `${f.vulnerability.id} ${f.package.name} ${f.package.version} ${f.severity} ${f.fixState}`)
    .sort();
}

let work: string;
let layout: string;
let db: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-scan-e2e-'));
  db = await buildFixtureDb(work, [join(TESTDATA, 'debian-bookworm'), join(TESTDATA, 'languages')]);
  layout = join(work, 'layout');
  await buildOciLayout(layout, {
    tag: 'v1',
    layers: [
      {
        createdBy: '/bin/sh -c #(nop) ADD file:0123abcd in / ',
        files: [
          { path: '/etc/', type: 'dir' },
          {
            path: '/etc/os-release',
            content:
              'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
          },
          { path: '/var/', type: 'dir' },
          { path: '/var/lib/', type: 'dir' },
          { path: '/var/lib/dpkg/', type: 'dir' },
          { path: '/var/lib/dpkg/status', content: DPKG_STATUS },
        ],
      },
      {
        createdBy: 'COPY . /app # buildkit',
        files: [
          { path: '/app/', type: 'dir' },
          { path: '/app/node_modules/', type: 'dir' },
          { path: '/app/node_modules/lodash/', type: 'dir' },
          {
            path: '/app/node_modules/lodash/package.json',
            content: JSON.stringify({ name: 'lodash', version: '4.17.20', license: 'MIT' }),
          },
        ],
      },
    ],
  });
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('corral scan', () => {
  it('reports the exact findings; --fail-on high fails (exit 1); json and sarif written at once', async () => {
    const json = join(work, 'scan.json');
    const sarif = join(work, 'scan.sarif');
    const r = await runCli([
      'scan',
      `oci-layout:${layout}:v1`,
      '--db',
      db,
      '--fail-on',
      'high',
      '-o',
      `json=${json}`,
      '-o',
      `sarif=${sarif}`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(await readFile(json, 'utf8')) as JsonReport;
    assert.deepEqual(summarise(report), EXPECTED);
    const merged = report.findings.find((f) => f.vulnerability.id === 'CVE-2023-5363');
    assert.deepEqual(merged?.vulnerability.aliases, ['DSA-5532-1', 'GHSA-xw5p-hw6r-2j98']);
    const sarifDoc = JSON.parse(await readFile(sarif, 'utf8')) as { version: string; runs: unknown[] };
    assert.equal(sarifDoc.version, '2.1.0');
    assert.equal(sarifDoc.runs.length, 1);
  });

  it('--fail-on critical passes (exit 0) when nothing is critical; the table goes to stdout', async () => {
    const r = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--fail-on', 'critical']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CVE-2023-5363/);
  });

  it('gives the same findings from the CycloneDX SBOM that corral sbom wrote (sbom:FILE)', async () => {
    const bom = join(work, 'bom.cdx.json');
    const s = await runCli(['sbom', `oci-layout:${layout}:v1`, '-o', `cyclonedx-json=${bom}`]);
    assert.equal(s.code, 0, s.stderr);
    const r = await runCli(['scan', `sbom:${bom}`, '--db', db, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(summarise(JSON.parse(r.stdout) as JsonReport), EXPECTED);
  });

  it('fails with VULNDB_NOT_FOUND and a hint when there is no database', async () => {
    const r = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', join(work, 'missing.db')]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /VULNDB_NOT_FOUND/);
    assert.match(r.stderr, /corral db update/);
    assert.match(r.stderr, /corral db import/);
  });

  it('rejects an unknown --fail-on level (exit 2) and a missing SBOM file (exit 3)', async () => {
    const bad = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--fail-on', 'severe']);
    assert.equal(bad.code, 2);
    const missing = await runCli(['scan', `sbom:${join(work, 'nope.json')}`, '--db', db]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /SCAN_INPUT_NOT_FOUND/);
  });
});
