/**
 * Matchers end to end on a REAL vulndb built from fixture feed excerpts (testdata/<case>/fixture.yaml),
 * grype `dbtest` style: no mocks, the same importers as `corral db import`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Package } from '../catalog/model.js';
import type { Sbom, SbomLayer } from '../sbom/model.js';
import { testSbom } from '../../test/support/test-sbom.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import { buildFixtureDb } from '../../test/support/fixture-vulndb.js';
import type { Finding, ScanResult } from './model.js';
import { matchSbom } from './run.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const BASE_LAYER = 'sha256:' + 'a'.repeat(64);
const APP_LAYER = 'sha256:' + 'b'.repeat(64);

type Draft = Omit<Package, 'id' | 'licenses' | 'cpes' | 'foundBy' | 'locations'> & { layer?: number };

function pkg(d: Draft): Package {
  const { layer, ...rest } = d;
  return {
    id: `p-${d.name}-${d.version}`,
    licenses: [],
    cpes: [],
    foundBy: 'test',
    locations: [{ path: '/somewhere', layerIndex: layer ?? 0 }],
    ...rest,
  };
}

const LAYERS: SbomLayer[] = [
  { index: 0, digest: BASE_LAYER, diffId: BASE_LAYER, createdBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
  { index: 1, digest: APP_LAYER, diffId: APP_LAYER, createdBy: 'COPY . /app # buildkit' },
];

function sbomOf(
  packages: Package[],
  distro: Sbom['distro'] = { id: 'debian', versionId: '12', codename: 'bookworm' },
): Sbom {
  return testSbom(packages, { ...(distro && { distro }), layers: LAYERS });
}

const libssl3 = pkg({
  name: 'libssl3',
  version: '3.0.11-1~deb12u1',
  type: 'deb',
  purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12',
  source: { name: 'openssl', version: '3.0.11-1~deb12u1' },
});
const libc6 = pkg({
  name: 'libc6',
  version: '2.36-9+deb12u1',
  type: 'deb',
  purl: 'pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&distro=debian-12',
  source: { name: 'glibc' },
});

let dir: string;
let store: VulnStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-match-'));
  const db = await buildFixtureDb(dir, [join(TESTDATA, 'debian-bookworm'), join(TESTDATA, 'languages')]);
  store = openVulnStore(db);
});
after(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

function byId(result: ScanResult, id: string, name?: string): Finding | undefined {
  return result.findings.find(
    (f) => f.vulnerability.id === id && (name === undefined || f.package.name === name),
  );
}
const ids = (r: ScanResult): string[] =>
  r.findings.map((f) => `${f.vulnerability.id} ${f.package.name}`).sort();

describe('dpkg matcher (Debian bookworm)', () => {
  it('matches the openssl advisories on libssl3 through its source package, per fix state', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store);
    assert.deepEqual(ids(r), [
      'CVE-2023-5363 libssl3',
      'CVE-2023-5678 libssl3',
      'CVE-2024-0727 libssl3',
      'CVE-2024-2511 libssl3',
    ]);
    const fixed = byId(r, 'CVE-2023-5363')!;
    assert.equal(fixed.fixState, 'fixed');
    assert.equal(fixed.fixedIn, '3.0.11-1~deb12u2');
    assert.equal(fixed.matchedBy.matcher, 'dpkg-distro');
    assert.equal(fixed.matchedBy.package, 'openssl');
    assert.equal(byId(r, 'CVE-2024-0727')?.fixState, 'not-fixed');
    assert.equal(byId(r, 'CVE-2024-0727')?.severity, 'medium');
    const wontFix = byId(r, 'CVE-2023-5678')!;
    assert.equal(wontFix.fixState, 'wont-fix');
    assert.equal(wontFix.note, 'no-dsa: Minor issue');
    assert.equal(wontFix.severity, 'low');
    assert.equal(byId(r, 'CVE-2024-2511')?.fixState, 'end-of-life');
  });

  it('never reports not-affected (tracker fixed_version 0 also cancels the OSV Debian:12 row)', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store);
    assert.equal(byId(r, 'CVE-2010-5298'), undefined);
  });

  it('does not match advisories of another release', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store);
    assert.equal(byId(r, 'CVE-2023-2650'), undefined);
    const bullseye = await matchSbom(
      sbomOf([libssl3], { id: 'debian', versionId: '11', codename: 'bullseye' }),
      store,
    );
    assert.deepEqual(ids(bullseye), ['CVE-2023-2650 libssl3']);
  });

  it('is fixed at and after the fixed version', async () => {
    const patched = { ...libssl3, id: 'p2', version: '3.0.11-1~deb12u2' };
    const r = await matchSbom(sbomOf([patched]), store);
    assert.equal(byId(r, 'CVE-2023-5363'), undefined);
  });

  it('merges CVE, GHSA and DSA into one finding listing every id', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store);
    const f = r.findings.filter((x) => x.vulnerability.id === 'CVE-2023-5363');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0]!.vulnerability.aliases, ['DSA-5532-1', 'GHSA-xw5p-hw6r-2j98']);
    assert.equal(f[0]!.severity, 'high'); // no distro urgency: the GHSA's CVSS 7.5
    assert.equal(f[0]!.cvssScore, 7.5);
  });

  it('finds OSV Debian:12 records (numeric release) and uses the distro from the purl without os-release', async () => {
    const r = await matchSbom(sbomOf([libc6], undefined), store);
    assert.equal(byId(r, 'CVE-2023-4911')?.fixedIn, '2.36-9+deb12u3');
  });

  it('attributes the layer and marks the base image', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store);
    assert.deepEqual(byId(r, 'CVE-2023-5363')?.introducedInLayer, {
      index: 0,
      digest: BASE_LAYER,
      createdBy: '/bin/sh -c #(nop) ADD file:abc in / ',
      baseImage: true,
    });
  });

  it('reports an invalid version as not comparable and never throws', async () => {
    const bad = { ...libssl3, id: 'bad', version: 'not a version!' };
    const r = await matchSbom(sbomOf([bad]), store);
    assert.equal(r.findings.length, 0);
    assert.equal(r.notComparable.length, 1);
    assert.equal(r.notComparable[0]!.scheme, 'dpkg');
  });

  it('--only-fixed keeps fixed findings only', async () => {
    const r = await matchSbom(sbomOf([libssl3]), store, { onlyFixed: true });
    assert.deepEqual(ids(r), ['CVE-2023-5363 libssl3']);
  });
});

describe('OSV ecosystem matcher', () => {
  const lodash = pkg({
    name: 'lodash',
    version: '4.17.20',
    type: 'npm',
    purl: 'pkg:npm/lodash@4.17.20',
    layer: 1,
  });
  const requests = pkg({
    name: 'requests',
    version: '2.25.0',
    type: 'pypi',
    purl: 'pkg:pypi/requests@2.25.0',
    layer: 1,
  });

  it('matches npm and PyPI ranges; the CVE/GHSA/PYSEC group is one finding', async () => {
    const r = await matchSbom(sbomOf([lodash, requests]), store);
    assert.deepEqual(ids(r), ['CVE-2021-23337 lodash', 'CVE-2023-32681 requests']);
    const req = byId(r, 'CVE-2023-32681')!;
    assert.deepEqual(req.vulnerability.aliases, ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74']);
    assert.equal(req.severity, 'medium');
    assert.equal(req.fixedIn, '2.31.0');
    assert.equal(req.introducedInLayer?.baseImage, false);
    assert.equal(byId(r, 'CVE-2021-23337')?.severity, 'high');
  });

  it('normalises PyPI names (Requests, requests_x → requests)', async () => {
    const upper = { ...requests, id: 'u', name: 'Requests', purl: 'pkg:pypi/Requests@2.25.0' };
    const r = await matchSbom(sbomOf([upper]), store);
    assert.deepEqual(ids(r), ['CVE-2023-32681 Requests']);
  });

  it('honours last_affected: inclusive upper bound', async () => {
    const at = pkg({
      name: 'lodash.template',
      version: '4.5.0',
      type: 'npm',
      purl: 'pkg:npm/lodash.template@4.5.0',
    });
    const above = { ...at, id: 'above', version: '4.5.1', purl: 'pkg:npm/lodash.template@4.5.1' };
    const r = await matchSbom(sbomOf([at, above]), store);
    assert.deepEqual(
      r.findings.map((f) => f.package.version),
      ['4.5.0'],
    );
    assert.equal(r.findings[0]!.fixState, 'not-fixed');
  });

  it('does not report withdrawn advisories', async () => {
    const p = pkg({
      name: 'path-to-regexp',
      version: '0.1.6',
      type: 'npm',
      purl: 'pkg:npm/path-to-regexp@0.1.6',
    });
    const r = await matchSbom(sbomOf([p]), store);
    assert.equal(r.findings.length, 0);
  });

  it('does not match a folded package (corral:upstream:purl) against PyPI', async () => {
    const folded = pkg({
      name: 'python3-requests',
      version: '2.25.0',
      type: 'deb',
      purl: 'pkg:deb/debian/python3-requests@2.25.0?distro=debian-12',
      source: { name: 'requests' },
      properties: { 'corral:upstream:purl': 'pkg:pypi/requests@2.25.0' },
    });
    const foreign = {
      ...requests,
      id: 'f',
      properties: { 'corral:upstream:purl': 'pkg:pypi/requests@2.25.0' },
    };
    const r = await matchSbom(sbomOf([folded, foreign]), store);
    assert.equal(r.findings.length, 0);
  });

  it('reports an invalid npm version as not comparable', async () => {
    const bad = { ...lodash, id: 'bad', version: 'latest!' };
    const r = await matchSbom(sbomOf([bad]), store);
    assert.equal(r.findings.length, 0);
    assert.deepEqual(
      r.notComparable.map((n) => [n.package.name, n.scheme]),
      [['lodash', 'semver']],
    );
  });
});

describe('apk matcher (Alpine v3.20)', () => {
  it('matches secfixes through the origin package; secdb 0 is never reported', async () => {
    const d = await mkdtemp(join(tmpdir(), 'corral-match-apk-'));
    const apkStore = openVulnStore(await buildFixtureDb(d, [join(TESTDATA, 'alpine-v3.20')]));
    try {
      const libcrypto3 = pkg({
        name: 'libcrypto3',
        version: '3.3.1-r3',
        type: 'apk',
        purl: 'pkg:apk/alpine/libcrypto3@3.3.1-r3?arch=x86_64&distro=alpine-3.20.3',
        source: { name: 'openssl' },
      });
      const r = await matchSbom(sbomOf([libcrypto3], { id: 'alpine', versionId: '3.20.3' }), apkStore);
      assert.deepEqual(ids(r), ['CVE-2024-6119 libcrypto3']);
      assert.equal(r.findings[0]!.fixedIn, '3.3.2-r0');
      assert.equal(r.findings[0]!.matchedBy.ecosystem, 'Alpine:v3.20');
    } finally {
      apkStore.close();
      await rm(d, { recursive: true, force: true });
    }
  });
});
