import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import type { LayerSpec } from '../../../test/helpers/build-image.js';
import { AppError } from '../../errors.js';
import { openImage, squashImage } from '../../image/index.js';
import { defaultLimits } from '../../image/limits.js';
import type { Sbom } from '../../sbom/model.js';
import { catalogImage } from '../run.js';
import { dpkgDb } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const limits = defaultLimits();

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-dpkg-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function catalogDir(dir: string): Promise<Sbom> {
  const image = await openImage(`dir:${join(TESTDATA, dir)}`, { limits });
  try {
    return await catalogImage(image, { limits, catalogers: [dpkgDb], now: new Date(0) });
  } finally {
    await image.close();
  }
}

describe('dpkg-db wants()', () => {
  // glob-paths (syft cataloger_test.go style): the databases, the files read beside them, look-alikes
  const table: Array<[string, boolean]> = [
    ['/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/status.d/libssl3', true],
    ['/var/lib/dpkg/status.d/python3.11-minimal', true],
    ['/var/lib/dpkg/status.d/libssl3.md5sums', true],
    ['/var/lib/dpkg/info/libc6:amd64.list', true],
    ['/var/lib/dpkg/info/bash.list', true],
    ['/usr/share/doc/bash/copyright', true],
    ['/usr/share/doc/libstdc++6/copyright', true],
    ['/var/lib/dpkg/status-old', false],
    ['/var/lib/dpkg/status.d/libssl3.preinst', false],
    ['/var/lib/dpkg/status.d/.hidden', false],
    ['/var/lib/dpkg/status.d/sub/libssl3', false],
    ['/var/lib/dpkg/status.d/', false],
    ['/var/lib/dpkg/info/bash.md5sums', false],
    ['/var/lib/dpkg/info/bash.postinst', false],
    ['/var/lib/dpkg/info/sub/x.list', false],
    ['/usr/share/doc/copyright', false],
    ['/usr/share/doc/bash/examples/copyright', false],
    ['/usr/share/doc/bash/copyright.gz', false],
    ['/chroot/var/lib/dpkg/status', false],
    ['/usr/lib/dpkg/status', false],
    ['/etc/apt/sources.list', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(dpkgDb.wants(path), want));
  }
});

describe('dpkg-db on a bookworm tree (testdata/rootfs-bookworm)', () => {
  it('packages with purls, sources, licenses and relationships', async () => {
    const sbom = await catalogDir('rootfs-bookworm');
    assert.deepEqual(sbom.unknowns, []);
    assert.deepEqual(
      sbom.packages.map((p) => p.purl),
      [
        'pkg:deb/debian/base-files@12.4+deb12u15?arch=amd64&distro=debian-12',
        'pkg:deb/debian/bash@5.2.15-2+b13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2',
        'pkg:deb/debian/gcc-12-base@12.2.0-14+deb12u1?arch=amd64&distro=debian-12&upstream=gcc-12',
        'pkg:deb/debian/libc6@2.36-9+deb12u14?arch=amd64&distro=debian-12&upstream=glibc',
        'pkg:deb/debian/libgcc-s1@12.2.0-14+deb12u1?arch=amd64&distro=debian-12&upstream=gcc-12',
        'pkg:deb/debian/libssl3@3.0.20-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
        'pkg:deb/debian/openssl@3.0.20-1~deb12u2?arch=amd64&distro=debian-12',
        'pkg:deb/debian/python3-minimal@3.11.2-1+b1?arch=amd64&distro=debian-12&upstream=python3-defaults%403.11.2-1',
        'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
      ],
    );
    const byName = new Map(sbom.packages.map((p) => [p.name, p]));
    const ssl = byName.get('libssl3')!;
    assert.deepEqual(ssl.source, { name: 'openssl', version: '3.0.20-1~deb12u2' });
    assert.deepEqual(ssl.licenses, ['Apache-2.0', 'Artistic', 'GPL-1.0-or-later']);
    assert.equal(ssl.foundBy, 'dpkg-db');
    assert.deepEqual(ssl.locations, [{ path: '/var/lib/dpkg/status', layerIndex: 0 }]);
    assert.equal(
      ssl.properties?.['corral:dpkg:maintainer'],
      'Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>',
    );
    assert.deepEqual(byName.get('zlib1g')!.licenses, ['Zlib']);
    assert.deepEqual(byName.get('base-files')!.licenses, []); // free-form copyright
    const ids = new Map(sbom.packages.map((p) => [p.id, p.name]));
    const deps = sbom.relationships
      .filter((r) => r.type === 'depends-on')
      .map((r) => `${ids.get(r.from)} -> ${ids.get(r.to)}`)
      .sort();
    assert.deepEqual(deps, [
      'bash -> base-files',
      'bash -> libc6',
      'libc6 -> libgcc-s1',
      'libgcc-s1 -> gcc-12-base',
      'libgcc-s1 -> libc6',
      'libssl3 -> libc6',
      'openssl -> libc6',
      'openssl -> libssl3',
      'zlib1g -> libc6',
    ]);
  });

  it('ownedFiles come from info/<pkg>:<arch>.list or info/<pkg>.list, plus paths resolved through /lib → usr/lib', async () => {
    const image = await openImage(`dir:${join(TESTDATA, 'rootfs-bookworm')}`, { limits });
    const { view } = await squashImage(image, { limits, wants: dpkgDb.wants });
    try {
      const r = await dpkgDb.catalog(view.get('/var/lib/dpkg/status')!, { view, limits });
      const owned = (name: string) => r.packages.find((p) => p.name === name)!.ownedFiles ?? [];
      assert.ok(owned('zlib1g').includes('/lib/x86_64-linux-gnu/libz.so.1.2.13'));
      assert.ok(owned('zlib1g').includes('/usr/lib/x86_64-linux-gnu/libz.so.1.2.13'));
      assert.ok(!owned('zlib1g').includes('/.'));
      assert.ok(owned('openssl').includes('/usr/bin/openssl'), 'openssl.list (Multi-Arch: foreign)');
      const listed = (
        await readFile(join(TESTDATA, 'rootfs-bookworm/var/lib/dpkg/info/bash.list'), 'utf8')
      ).split('\n');
      for (const p of listed.filter((l) => l !== '' && l !== '/.')) assert.ok(owned('bash').includes(p), p);
      // the ownership and copyright files are captured, but only the database yields packages
      for (const p of ['/var/lib/dpkg/info/bash.list', '/usr/share/doc/bash/copyright']) {
        assert.deepEqual((await dpkgDb.catalog(view.get(p)!, { view, limits })).packages, []);
      }
    } finally {
      await view.close();
      await image.close();
    }
  });
});

describe('dpkg-db on a distroless tree (testdata/rootfs-distroless)', () => {
  it('one package per status.d file, md5sums as owned files, no Status needed', async () => {
    const sbom = await catalogDir('rootfs-distroless');
    assert.deepEqual(sbom.unknowns, []);
    assert.deepEqual(
      sbom.packages.map((p) => `${p.name} ${p.version} ${p.locations[0]!.path}`),
      [
        'base-files 12.4+deb12u15 /var/lib/dpkg/status.d/base-files',
        'libc6 2.36-9+deb12u14 /var/lib/dpkg/status.d/libc6',
        'libssl3 3.0.20-1~deb12u2 /var/lib/dpkg/status.d/libssl3',
        'zlib1g 1:1.2.13.dfsg-1 /var/lib/dpkg/status.d/zlib1g',
      ],
    );
    assert.deepEqual(sbom.packages.find((p) => p.name === 'libssl3')!.licenses, [
      'Apache-2.0',
      'Artistic',
      'GPL-1.0-or-later',
    ]);

    const image = await openImage(`dir:${join(TESTDATA, 'rootfs-distroless')}`, { limits });
    const { view } = await squashImage(image, { limits, wants: dpkgDb.wants });
    try {
      const r = await dpkgDb.catalog(view.get('/var/lib/dpkg/status.d/zlib1g')!, { view, limits });
      assert.ok(r.packages[0]!.ownedFiles!.includes('/lib/x86_64-linux-gnu/libz.so.1.2.13'));
      assert.deepEqual(
        (await dpkgDb.catalog(view.get('/var/lib/dpkg/status.d/zlib1g.md5sums')!, { view, limits })).packages,
        [],
      );
    } finally {
      await view.close();
      await image.close();
    }
  });
});

describe('dpkg-db in a layered image', () => {
  const stanza = (name: string, version: string) =>
    `Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDepends: libc6\n\n`;
  const status = (...s: string[]) => ({ path: '/var/lib/dpkg/status', content: s.join('') });
  const dirs = ['/var', '/var/lib', '/var/lib/dpkg'].map((path) => ({ path, type: 'dir' as const }));

  it('attributes each package to the layer that introduced it, drops removed ones', async () => {
    const libc = stanza('libc6', '2.36-9');
    const layers: LayerSpec[] = [
      { files: [...dirs, status(libc, stanza('zlib1g', '1:1.2.13'), stanza('tzdata', '2024a-0'))] },
      {
        files: [
          ...dirs,
          status(
            libc,
            stanza('zlib1g', '1:1.2.13'),
            stanza('tzdata', '2024a-0'),
            stanza('openssl', '3.0.11-1'),
          ),
        ],
      },
      // tzdata removed, zlib1g upgraded
      { files: [...dirs, status(libc, stanza('zlib1g', '1:1.2.13-2'), stanza('openssl', '3.0.11-1'))] },
    ];
    const sbom = await catalogLayers(work, layers, [dpkgDb]);
    assert.deepEqual(sbom.unknowns, []);
    assert.deepEqual(
      sbom.packages.map((p) => `${p.name}@${p.version}:${p.locations[0]!.layerIndex}`),
      ['libc6@2.36-9:0', 'openssl@3.0.11-1:1', 'zlib1g@1:1.2.13-2:2'],
    );
    assert.equal(sbom.relationships.filter((r) => r.type === 'depends-on').length, 2);
  });

  it('a truncated status file in the top layer is reported and the readable packages are kept', async () => {
    const good = stanza('libc6', '2.36-9') + stanza('zlib1g', '1:1.2.13');
    const cut = `${good}Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVers`;
    const sbom = await catalogLayers(
      work,
      [{ files: [...dirs, status(good)] }, { files: [...dirs, status(cut)] }],
      [dpkgDb],
    );
    assert.deepEqual(
      sbom.packages.map((p) => `${p.name}:${p.locations[0]!.layerIndex}`),
      ['libc6:0', 'zlib1g:0'],
    );
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.code, u.path, u.layerIndex, u.cataloger]),
      [
        ['CATALOG_DPKG_STATUS_TRUNCATED', '/var/lib/dpkg/status', 1, 'dpkg-db'],
        ['CATALOG_DPKG_STATUS_TRUNCATED', '/var/lib/dpkg/status', 1, 'dpkg-db'],
      ],
    );
  });
});

describe('dpkg-db never throws for bad content', () => {
  it('an unreadable status file becomes an Unknown', async () => {
    const image = await openImage(`dir:${join(TESTDATA, 'rootfs-bookworm')}`, { limits });
    const { view } = await squashImage(image, { limits, wants: dpkgDb.wants });
    try {
      const real = view.get('/var/lib/dpkg/status')!;
      const broken = {
        ...real,
        read: () => Promise.reject(new AppError('IMAGE_LAYER_CORRUPT', 'unexpected end of layer')),
      };
      const r = await dpkgDb.catalog(broken, { view, limits });
      assert.deepEqual(r.packages, []);
      assert.deepEqual(
        r.unknowns.map((u) => u.code),
        ['IMAGE_LAYER_CORRUPT'],
      );
      const huge = { ...real, size: 300 * 1024 * 1024 };
      assert.deepEqual(
        (await dpkgDb.catalog(huge, { view, limits })).unknowns.map((u) => u.code),
        ['CATALOG_DPKG_STATUS_TOO_LARGE'],
      );
    } finally {
      await view.close();
      await image.close();
    }
  });
});
