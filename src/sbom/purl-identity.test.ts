import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { distroFromQualifier, identityFromPurl, parsePurl } from './purl-identity.js';

// purls as syft and trivy write them (their SBOM goldens, see cyclonedx-json/testdata/README.md)
describe('identityFromPurl', () => {
  const cases: Array<[string, unknown]> = [
    [
      'pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810',
      {
        type: 'rpm',
        name: 'openssl-libs',
        version: '1:1.0.2k-16.el7',
        arch: 'x86_64',
        distro: { id: 'centos', versionId: '7.6.1810' },
      },
    ],
    [
      'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12',
      {
        type: 'deb',
        name: 'libssl3',
        version: '3.0.11-1~deb12u2',
        arch: 'amd64',
        source: { name: 'openssl' },
        distro: { id: 'debian', versionId: '12' },
      },
    ],
    [
      'pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&upstream=openssl-3.0.7-27.el9.src.rpm&distro=rhel-9.4',
      {
        type: 'rpm',
        name: 'openssl-libs',
        version: '3.0.7-27.el9',
        arch: 'x86_64',
        source: { name: 'openssl', version: '3.0.7-27.el9' },
        distro: { id: 'rhel', versionId: '9.4' },
      },
    ],
    [
      'pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.18.4',
      {
        type: 'apk',
        name: 'musl',
        version: '1.2.4-r2',
        arch: 'x86_64',
        distro: { id: 'alpine', versionId: '3.18.4' },
      },
    ],
    ['pkg:npm/%40babel/core@7.23.0', { type: 'npm', name: '@babel/core', version: '7.23.0' }],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
      { type: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' },
    ],
    [
      'pkg:golang/github.com/wagoodman/go-partybus@v0.0.0-2023',
      { type: 'golang', name: 'github.com/wagoodman/go-partybus', version: 'v0.0.0-2023' },
    ],
    ['pkg:pypi/urllib3@1.26.12', { type: 'pypi', name: 'urllib3', version: '1.26.12' }],
    ['pkg:generic/openssl@3.0.2', { type: 'binary', name: 'openssl', version: '3.0.2' }],
    ['pkg:swift/github.com/apple/swift-nio@2.0.0', undefined],
  ];
  for (const [purl, want] of cases)
    it(purl, () => assert.deepEqual(identityFromPurl(parsePurl(purl)!), want));

  it('rejects invalid purls and reads distro qualifiers', () => {
    assert.equal(parsePurl('a-purl-1'), undefined);
    assert.deepEqual(distroFromQualifier('debian-bookworm'), { id: 'debian', codename: 'bookworm' });
    assert.deepEqual(distroFromQualifier('ubuntu-22.04'), { id: 'ubuntu', versionId: '22.04' });
    assert.deepEqual(distroFromQualifier('wolfi'), { id: 'wolfi' });
    assert.equal(distroFromQualifier('3.18'), undefined);
  });
});
