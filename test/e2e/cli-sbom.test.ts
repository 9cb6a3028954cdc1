/**
 * `corral sbom` as a user runs it: every format to stdout or files (several at once), the table with and
 * without --layers, schema-valid CycloneDX and SPDX, and one-line errors with their exit codes. Works with
 * whichever catalogers are registered: the formats must agree with each other on the packages found.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CATALOGERS } from '../../src/catalog/registry.js';
import { detectAndDecode } from '../../src/sbom/formats.js';
import type { Sbom } from '../../src/sbom/model.js';
import { introducedInLayer } from '../../src/sbom/package-layer.js';
import { buildOciLayout } from '../helpers/build-image.js';
import { runCli } from '../helpers/cli.js';
import { validateCycloneDx, validateSpdx } from '../support/sbom-validate.js';
import { assertCleanError } from './cli-errors.js';

const DEMO = 'demo/demo-image.tar';
let work: string;
let layout: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-sbom-cli-'));
  layout = join(work, 'layout');
  await buildOciLayout(layout, {
    tag: 'v1',
    layers: [
      {
        files: [
          { path: '/etc', type: 'dir' },
          {
            path: '/etc/os-release',
            content: 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n',
          },
        ],
        createdBy: 'ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /',
      },
      { emptyLayer: true, createdBy: 'ENV APP=1' },
      { files: [{ path: '/srv', type: 'dir' }], createdBy: 'RUN mkdir /srv' },
      { files: [{ path: '/srv/app.txt', content: 'hello' }], createdBy: 'COPY app.txt /srv/' },
    ],
  });
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const key = (s: Sbom): string[] =>
  s.packages.map((p) => `${p.type} ${p.name} ${p.version} ${introducedInLayer(p) ?? '-'}`).sort();

describe('corral sbom', () => {
  it('writes several formats at once; they validate and agree with each other and the table', async () => {
    const [cdx, spdx, json] = [
      join(work, 'bom.cdx.json'),
      join(work, 'bom.spdx.json'),
      join(work, 'bom.json'),
    ] as const;
    const r = await runCli([
      'sbom',
      DEMO,
      '-o',
      `cyclonedx-json=${cdx}`,
      '-o',
      `spdx-json=${spdx}`,
      '-o',
      'table',
      '-o',
      `json=${json}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [cdxText, spdxText, jsonText] = await Promise.all([
      readFile(cdx, 'utf8'),
      readFile(spdx, 'utf8'),
      readFile(json, 'utf8'),
    ]);
    assert.deepEqual(await validateCycloneDx(cdxText), []);
    assert.deepEqual(validateSpdx(spdxText), []);
    const own = detectAndDecode(jsonText).sbom;
    assert.deepEqual(own.image.repoTags, ['corral-demo/app:1.0']);
    assert.deepEqual(own.distro, {
      id: 'debian',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    for (const text of [cdxText, spdxText]) {
      const other = detectAndDecode(text).sbom;
      assert.deepEqual(key(other), key(own));
      assert.deepEqual(other.distro, own.distro);
    }
    const rows = r.stdout.trim().split('\n');
    if (own.packages.length === 0) assert.deepEqual(rows, ['(no packages found)']);
    else
      assert.deepEqual(
        rows
          .slice(1)
          .map((l) =>
            l
              .trim()
              .split(/\s{2,}/)
              .join(' '),
          )
          .sort(),
        key(own),
      );
    assert.deepEqual(
      (await readdir(work)).filter((f) => f.includes('.tmp-')),
      [],
      'no temporary files left',
    );
  });

  it('--file names the single output', async () => {
    const file = join(work, 'single.spdx.json');
    const r = await runCli(['sbom', DEMO, '-o', 'spdx-json', '--file', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(detectAndDecode(await readFile(file)).format, 'spdx-json');
    const two = await runCli(['sbom', DEMO, '-o', 'table', '-o', 'json', '--file', file]);
    assert.equal(two.code, 2);
    assertCleanError(two.stderr, 'CLI_USAGE');
  });

  it('finds the demo packages of the registered catalogers', async (t) => {
    const tags = new Set(CATALOGERS.flatMap((c) => c.tags));
    if (!tags.has('deb') && !tags.has('npm')) return t.skip('no dpkg or npm cataloger registered yet');
    const r = await runCli(['sbom', DEMO, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as Sbom).packages.map((p) => `${p.type}/${p.name}@${p.version}`);
    if (tags.has('deb')) assert.ok(names.includes('deb/libssl3@3.0.11-1~deb12u1'), names.join());
    if (tags.has('npm')) assert.ok(names.includes('npm/lodash@4.17.20'), names.join());
  });

  it('--layers lists every layer with its created_by line', async () => {
    const r = await runCli(['sbom', `oci-layout:${layout}:v1`, '--layers']);
    assert.equal(r.code, 0, r.stderr);
    const headings = r.stdout.split('\n').filter((l) => /^LAYER \d/.test(l) || l.startsWith('  created_by:'));
    assert.deepEqual(
      headings.map((l) => l.replace(/^LAYER (\d+)\s+\w{12}\s+\d+ packages?$/, 'LAYER $1')),
      [
        'LAYER 0',
        '  created_by: ADD alpine-minirootfs-3.20.3-x86_64.tar.gz /',
        'LAYER 1',
        '  created_by: RUN mkdir /srv',
        'LAYER 2',
        '  created_by: COPY app.txt /srv/',
      ],
    );
  });

  it('writes CycloneDX and SPDX to stdout with the image and its distro', async () => {
    const cdx = await runCli(['sbom', `oci-layout:${layout}:v1`, '-o', 'cyclonedx-json']);
    assert.equal(cdx.code, 0, cdx.stderr);
    assert.deepEqual(await validateCycloneDx(cdx.stdout), []);
    const decoded = detectAndDecode(cdx.stdout).sbom;
    assert.deepEqual(decoded.distro, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' });
    assert.equal(decoded.image.layers.length, 3);
    const spdx = await runCli(['sbom', `oci-layout:${layout}:v1`, '-o', 'spdx-json']);
    assert.equal(spdx.code, 0, spdx.stderr);
    assert.deepEqual(validateSpdx(spdx.stdout), []);
    assert.equal(detectAndDecode(spdx.stdout).sbom.image.digest, decoded.image.digest);
  });

  it('rejects bad output flags before reading the image, with exit 2', async () => {
    const unknown = await runCli(['sbom', DEMO, '-o', 'xml']);
    assert.equal(unknown.code, 2);
    assertCleanError(unknown.stderr, 'SBOM_FORMAT_UNKNOWN');
    const twoStdout = await runCli(['sbom', DEMO, '-o', 'json', '-o', 'table']);
    assert.equal(twoStdout.code, 2);
    assertCleanError(twoStdout.stderr, 'CLI_USAGE');
    const sameFile = await runCli([
      'sbom',
      DEMO,
      '-o',
      `json=${work}/x.json`,
      '-o',
      `spdx-json=${work}/x.json`,
    ]);
    assert.equal(sameFile.code, 2);
    assertCleanError(sameFile.stderr, 'CLI_USAGE');
    const missingDir = join(work, 'no-such-dir', 'bom.json');
    const unwritable = await runCli(['sbom', './no-such-image.tar', '-o', 'json', '--file', missingDir]);
    assert.equal(unwritable.code, 2, 'checked before the (missing) image is opened');
    assertCleanError(unwritable.stderr, 'SBOM_WRITE_FAILED');
    assert.ok(!existsSync(missingDir));
  });

  it('exits 3 for a missing image', async () => {
    const r = await runCli(['sbom', './no-such-image.tar']);
    assert.equal(r.code, 3);
    assertCleanError(r.stderr, 'IMAGE_NOT_FOUND');
  });
});
