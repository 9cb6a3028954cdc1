/**
 * `corral scan` as CI runs it: a real OCI image built in the test (dpkg status + os-release of Debian 12
 * and a node_modules package) against a vulndb imported from fixture feeds in upstream formats
 * (src/match/testdata); exact findings, the `--fail-on` gate, several reports at once, and the same
 * findings from `corral scan sbom:FILE` on the CycloneDX that `corral sbom` wrote.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout } from '../helpers/build-image.js';
import { runCli } from '../helpers/cli.js';
import { buildFixtureDb } from '../support/fixture-vulndb.js';
import { debianRootFiles, npmPackageFiles } from './image-files.js';

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
      { createdBy: '/bin/sh -c #(nop) ADD file:0123abcd in / ', files: debianRootFiles(DPKG_STATUS) },
      { createdBy: 'COPY . /app # buildkit', files: npmPackageFiles('lodash', '4.17.20') },
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

  it('--ignore-file: a live entry suppresses, an expired one still reports with a warning; --vex not_affected suppresses with its justification', async () => {
    const ignore = join(work, '.corralignore.yaml');
    await writeFile(
      ignore,
      [
        'ignore:',
        '  - id: CVE-2023-5678',
        '    package: pkg:deb/debian/libssl3',
        '    reason: no-dsa; the vulnerable_code_not_in_execute_path for our service',
        '  - id: CVE-2024-0727',
        '    package: libssl3',
        '    reason: accepted until the next release',
        '    expires: 2020-01-31',
        '',
      ].join('\n'),
    );
    const vex = join(work, 'openssl.openvex.json');
    await writeFile(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/1',
        author: 'test',
        timestamp: '2024-01-01T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: 'GHSA-xw5p-hw6r-2j98' },
            products: [{ '@id': 'pkg:deb/debian/libssl3' }],
            status: 'not_affected',
            justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
          },
          {
            vulnerability: { name: 'CVE-2021-23337' },
            products: [{ '@id': 'pkg:npm/lodash' }],
            status: 'under_investigation',
          },
        ],
      }),
    );
    const json = join(work, 'suppressed.json');
    const r = await runCli([
      'scan',
      `oci-layout:${layout}:v1`,
      '--db',
      db,
      '--ignore-file',
      ignore,
      '--vex',
      vex,
      '-o',
      `json=${json}`,
      '-o',
      'table',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*CVE-2024-0727.*expired on 2020-01-31/);
    assert.match(r.stdout, /2 suppressed/);
    const report = JSON.parse(await readFile(json, 'utf8')) as JsonReport & {
      suppressed: { finding: { vulnerability: { id: string } }; by: string; justification?: string }[];
      warnings: string[];
    };
    assert.deepEqual(summarise(report), [
      'CVE-2021-23337 lodash 4.17.20 high fixed',
      'CVE-2024-0727 libssl3 3.0.11-1~deb12u1 medium not-fixed',
      'CVE-2024-2511 libssl3 3.0.11-1~deb12u1 unknown end-of-life',
    ]);
    assert.deepEqual(
      report.suppressed.map((s) => `${s.finding.vulnerability.id} ${s.by} ${s.justification ?? '-'}`),
      ['CVE-2023-5363 vex vulnerable_code_cannot_be_controlled_by_adversary', 'CVE-2023-5678 ignore-file -'],
    );
    assert.equal(report.warnings.length, 1);
  });

  it('corral vex export writes the live ignore entries as OpenVEX that --vex reads back', async () => {
    const ignore = join(work, 'export.corralignore.yaml');
    await writeFile(
      ignore,
      'ignore:\n  - id: CVE-2023-5678\n    package: pkg:deb/debian/libssl3\n    reason: vulnerable_code_not_in_execute_path\n  - id: CVE-2021-23337\n    reason: old\n    expires: 2020-01-01\n',
    );
    const out = join(work, 'export.openvex.json');
    const e = await runCli(['vex', 'export', '--ignore-file', ignore, '-o', out]);
    assert.equal(e.code, 0, e.stderr);
    const doc = JSON.parse(await readFile(out, 'utf8')) as {
      '@context': string;
      statements: { vulnerability: { name: string }; status: string; justification?: string }[];
    };
    assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
    assert.deepEqual(
      doc.statements.map((s) => `${s.vulnerability.name} ${s.status} ${s.justification ?? '-'}`),
      ['CVE-2023-5678 not_affected vulnerable_code_not_in_execute_path'],
    );
    const r = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--vex', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const ids = summarise(JSON.parse(r.stdout) as JsonReport);
    assert.ok(!ids.some((l) => l.startsWith('CVE-2023-5678')), ids.join('\n'));
  });

  it('rejects an ignore file with an unknown key (CONFIG_INVALID, file:line), --ignore-unfixed, --max-db-age', async () => {
    const bad = join(work, 'bad.corralignore.yaml');
    await writeFile(bad, 'ignore:\n  - id: CVE-2023-5678\n    reason: x\n    until: 2030-01-01\n');
    const r = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--ignore-file', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /CONFIG_INVALID/);
    assert.match(r.stderr, /bad\.corralignore\.yaml:4: ignore\.0\.until: unknown key/);

    const u = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--ignore-unfixed', '--json']);
    assert.equal(u.code, 0, u.stderr);
    assert.deepEqual(summarise(JSON.parse(u.stdout) as JsonReport), [
      'CVE-2021-23337 lodash 4.17.20 high fixed',
      'CVE-2023-5363 libssl3 3.0.11-1~deb12u1 high fixed',
      'CVE-2024-2511 libssl3 3.0.11-1~deb12u1 unknown end-of-life',
    ]);

    const fresh = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--max-db-age', '7d']);
    assert.equal(fresh.code, 0, fresh.stderr);
    await new Promise((res) => setTimeout(res, 1100));
    const old = await runCli(['scan', `oci-layout:${layout}:v1`, '--db', db, '--max-db-age', '1s']);
    assert.equal(old.code, 6, old.stderr);
    assert.match(old.stderr, /SCAN_DB_TOO_OLD/);
    assert.match(old.stderr, /corral db update/);
  });
});
