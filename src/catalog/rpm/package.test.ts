import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackageURL } from 'packageurl-js';
import { evr, parseSourceRpm, rpmPurl, toPackage, vendorNamespace } from './package.js';
import type { RpmHeader } from './parse-header.js';

describe('parseSourceRpm', () => {
  // Real SOURCERPM values from Rocky 9, Fedora 39, openSUSE and Amazon Linux 2023 rpmdbs.
  const cases: [string, { name: string; version: string } | undefined][] = [
    ['bash-5.1.8-6.el9_1.src.rpm', { name: 'bash', version: '5.1.8-6.el9_1' }],
    ['perl-Carp-1.50-460.el9.src.rpm', { name: 'perl-Carp', version: '1.50-460.el9' }],
    ['python3.11-3.11.5-1.el9_3.src.rpm', { name: 'python3.11', version: '3.11.5-1.el9_3' }],
    ['glibc-2.38-16.fc39.src.rpm', { name: 'glibc', version: '2.38-16.fc39' }],
    ['libzstd-1.5.5-150600.1.3.src.rpm', { name: 'libzstd', version: '1.5.5-150600.1.3' }],
    ['openssl-3.0.8-1.amzn2023.0.12.src.rpm', { name: 'openssl', version: '3.0.8-1.amzn2023.0.12' }],
    [
      'nodejs-18.19.0-1.module+el8.9.0+1595+2c4b8a6b.src.rpm',
      { name: 'nodejs', version: '18.19.0-1.module+el8.9.0+1595+2c4b8a6b' },
    ],
    ['corral-zero-3.0~rc1-2.src.rpm', { name: 'corral-zero', version: '3.0~rc1-2' }],
    ['firmware-1-1.nosrc.rpm', { name: 'firmware', version: '1-1' }],
    ['bash-5.1.8.src.rpm', undefined],
    ['bash-5.1.8-6.el9.noarch.rpm', undefined],
    ['(none)', undefined],
    ['', undefined],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)}`, () => assert.deepEqual(parseSourceRpm(input), want));
  }
});

describe('vendorNamespace', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['Red Hat, Inc.', 'rhel'],
    ['Fedora Project', 'fedora'],
    ['CentOS', 'centos'],
    ['Rocky Enterprise Software Foundation', 'rocky'],
    ['AlmaLinux', 'almalinux'],
    ['openSUSE', 'opensuse'],
    ['SUSE LLC <https://www.suse.com/>', 'sles'],
    ['Amazon Linux', 'amzn'],
    ['Oracle America', 'ol'],
    ['Microsoft Corporation', 'mariner'],
    ['Acme Corp.', 'acme'],
    ['  ', undefined],
    [undefined, undefined],
  ];
  for (const [vendor, want] of cases) {
    it(`${JSON.stringify(vendor)} → ${want}`, () => assert.equal(vendorNamespace(vendor), want));
  }
});

const HELLO: RpmHeader = {
  name: 'corral-hello',
  version: '1.2.3',
  release: '4.el9',
  epoch: 2,
  arch: 'noarch',
  sourceRpm: 'corral-hello-1.2.3-4.el9.src.rpm',
  license: 'MIT AND Apache-2.0',
  vendor: 'Rocky Enterprise Software Foundation',
  size: 50,
  files: ['/usr/share/corral-hello/hello.txt'],
};

describe('rpm purl and package', () => {
  it('puts the epoch in the version string but in a qualifier of the purl', () => {
    assert.equal(evr(HELLO), '2:1.2.3-4.el9');
    assert.equal(evr({ ...HELLO, epoch: 0 }), '0:1.2.3-4.el9');
    const { epoch: _epoch, ...noEpoch } = HELLO;
    assert.equal(evr(noEpoch), '1.2.3-4.el9');
  });

  it('writes the distro namespace and qualifiers', () => {
    const purl = rpmPurl(HELLO, { id: 'rocky', versionId: '9.3' });
    assert.equal(
      purl,
      'pkg:rpm/rocky/corral-hello@1.2.3-4.el9?arch=noarch&distro=rocky-9.3&epoch=2&upstream=corral-hello-1.2.3-4.el9.src.rpm',
    );
    const back = PackageURL.fromString(purl);
    assert.equal(back.qualifiers?.upstream, HELLO.sourceRpm);
  });

  it('falls back to the vendor for the namespace without a detected distro', () => {
    assert.equal(
      rpmPurl(HELLO, undefined),
      'pkg:rpm/rocky/corral-hello@1.2.3-4.el9?arch=noarch&epoch=2&upstream=corral-hello-1.2.3-4.el9.src.rpm',
    );
    const { vendor: _v, ...anonymous } = HELLO;
    assert.match(rpmPurl(anonymous, undefined), /^pkg:rpm\/corral-hello@/);
  });

  it('encodes names that need it (libstdc++)', () => {
    assert.match(
      rpmPurl({ ...HELLO, name: 'libstdc++' }, { id: 'rhel', versionId: '9' }),
      /^pkg:rpm\/rhel\/libstdc%2B%2B@/,
    );
  });

  it('builds the package draft', () => {
    const p = toPackage(
      { ...HELLO, modularityLabel: 'm:1:2:3' },
      '/var/lib/rpm/rpmdb.sqlite',
      { id: 'rocky', versionId: '9.3' },
      'rpm-db',
    );
    assert.deepEqual(
      { ...p, purl: undefined },
      {
        name: 'corral-hello',
        version: '2:1.2.3-4.el9',
        type: 'rpm',
        purl: undefined,
        arch: 'noarch',
        source: { name: 'corral-hello', version: '1.2.3-4.el9' },
        licenses: ['MIT AND Apache-2.0'],
        locations: [{ path: '/var/lib/rpm/rpmdb.sqlite', layerIndex: -1 }],
        cpes: [],
        foundBy: 'rpm-db',
        properties: {
          'corral:rpm:vendor': 'Rocky Enterprise Software Foundation',
          'corral:rpm:modularitylabel': 'm:1:2:3',
          'corral:rpm:size': '50',
        },
        ownedFiles: ['/usr/share/corral-hello/hello.txt'],
      },
    );
  });
});
