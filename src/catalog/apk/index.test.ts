import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import { openImage, squashImage } from '../../image/index.js';
import { defaultLimits } from '../../image/limits.js';
import { catalogImage } from '../run.js';
import { apkDb } from './index.js';

const ROOTFS = join(import.meta.dirname, 'testdata', 'rootfs-alpine');
const limits = defaultLimits();

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-apk-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('apk-db wants()', () => {
  const table: Array<[string, boolean]> = [
    ['/lib/apk/db/installed', true],
    ['/usr/lib/apk/db/installed', true],
    ['/lib/apk/db/installed.new', false],
    ['/lib/apk/db/triggers', false],
    ['/lib/apk/db/scripts.tar', false],
    ['/var/lib/apk/db/installed', false],
    ['/chroot/lib/apk/db/installed', false],
    ['/etc/apk/world', false],
    ['/installed', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(apkDb.wants(path), want));
  }
});

describe('apk-db on an Alpine 3.20 tree (testdata/rootfs-alpine)', () => {
  it('packages with purls, origins, licenses, owned files and depends-on relationships', async () => {
    const image = await openImage(`dir:${ROOTFS}`, { limits });
    const sbom = await catalogImage(image, { limits, catalogers: [apkDb], now: new Date(0) });
    await image.close();
    assert.deepEqual(sbom.unknowns, []);
    assert.deepEqual(sbom.distro, { id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20' });
    assert.equal(sbom.packages.length, 14);
    const byName = new Map(sbom.packages.map((p) => [p.name, p]));
    assert.equal(byName.get('musl')!.purl, 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3');
    const binsh = byName.get('busybox-binsh')!;
    assert.equal(
      binsh.purl,
      'pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox',
    );
    assert.deepEqual(binsh.source, { name: 'busybox', version: '1.36.1-r29' });
    assert.deepEqual(byName.get('ca-certificates-bundle')!.licenses, ['MPL-2.0 AND MIT']);
    assert.deepEqual(byName.get('libcrypto3')!.locations, [{ path: '/lib/apk/db/installed', layerIndex: 0 }]);
    assert.equal(byName.get('libcrypto3')!.foundBy, 'apk-db');

    const names = new Map(sbom.packages.map((p) => [p.id, p.name]));
    const deps = (from: string) =>
      sbom.relationships
        .filter((r) => r.type === 'depends-on' && names.get(r.from) === from)
        .map((r) => names.get(r.to))
        .sort();
    // by name (musl), by so: provides, by path provides (/bin/sh from busybox-binsh)
    assert.deepEqual(deps('apk-tools'), ['ca-certificates-bundle', 'libcrypto3', 'libssl3', 'musl', 'zlib']);
    assert.deepEqual(deps('alpine-baselayout'), ['alpine-baselayout-data', 'busybox-binsh']);
    assert.deepEqual(deps('musl'), []);
  });

  it('owned files are the F:/R: paths', async () => {
    const image = await openImage(`dir:${ROOTFS}`, { limits });
    const { view } = await squashImage(image, { limits, wants: apkDb.wants });
    try {
      const r = await apkDb.catalog(view.get('/lib/apk/db/installed')!, { view, limits });
      const owned = (name: string) => r.packages.find((p) => p.name === name)!.ownedFiles;
      assert.deepEqual(owned('libssl3'), ['/usr/lib/libssl.so.3']);
      assert.deepEqual(owned('busybox-binsh'), ['/bin/sh']);
    } finally {
      await view.close();
      await image.close();
    }
  });
});

describe('apk-db in a layered image', () => {
  it('attributes packages to the layer that added them and reports a corrupt top layer', async () => {
    const db = await readFile(join(ROOTFS, 'lib/apk/db/installed'), 'utf8');
    const records = db.split('\n\n').filter((r) => r.trim() !== '');
    const base = records.slice(0, 6).join('\n\n') + '\n\n';
    const dirs = ['/lib', '/lib/apk', '/lib/apk/db'].map((path) => ({ path, type: 'dir' as const }));
    const installed = (content: string) => ({ path: '/lib/apk/db/installed', content });
    const sbom = await catalogLayers(
      work,
      [
        { files: [...dirs, installed(base)] },
        { files: [...dirs, installed(db)] },
        // a junk line appended by something: reported, nothing lost
        { files: [...dirs, installed(`${db}garbage\n`)] },
      ],
      [apkDb],
    );
    const layerOf = new Map(sbom.packages.map((p) => [p.name, p.locations[0]!.layerIndex]));
    assert.equal(layerOf.get('musl'), 0);
    assert.equal(layerOf.get('alpine-keys'), 0);
    assert.equal(layerOf.get('libssl3'), 1);
    assert.equal(layerOf.get('musl-utils'), 1);
    assert.equal(sbom.packages.length, 14);
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.layerIndex]),
      [['CATALOG_APK_LINE_INVALID', 2]],
    );
  });
});
