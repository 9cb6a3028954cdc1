/**
 * A hand-built {@link Sbom} that exercises every field the SBOM formats carry: an image with tags,
 * digests, labels and three layers; a distro; OS, language and binary packages with arch, source package,
 * several CPEs, SPDX ids, an expression and free-text licences, several locations, extra properties;
 * `contains`, `depends-on` and `evident-by` relationships; an Unknown. Used by the format goldens and
 * round-trip tests, and by the formats' tests of sorting and encoding.
 */
import { createHash } from 'node:crypto';
import type { Package } from '../../src/catalog/model.js';
import { IMAGE_NODE_ID, SBOM_MODEL_VERSION, type Sbom } from '../../src/sbom/model.js';

const hex = (s: string, n = 64): string => createHash('sha256').update(s).digest('hex').slice(0, n);
const digest = (s: string): string => `sha256:${hex(s)}`;
const idOf = (purl: string, path: string): string => `p-${hex(`${purl}\0${path}`, 16)}`;

type Draft = Omit<Package, 'id'>;

const DRAFTS: Draft[] = [
  {
    name: 'libssl3',
    version: '3.0.11-1~deb12u2',
    type: 'deb',
    purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
    arch: 'amd64',
    source: { name: 'openssl', version: '3.0.11-1~deb12u2' },
    licenses: ['Apache-2.0'],
    locations: [{ path: '/var/lib/dpkg/status', layerIndex: 0 }],
    cpes: [
      'cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:*',
      'cpe:2.3:a:openssl:libssl3:3.0.11:*:*:*:*:*:*:*',
    ],
    foundBy: 'dpkg-db',
  },
  {
    name: 'base-files',
    version: '12.4+deb12u5',
    type: 'deb',
    purl: 'pkg:deb/debian/base-files@12.4%2Bdeb12u5?arch=amd64&distro=debian-12',
    arch: 'amd64',
    licenses: ['GPL-2.0-or-later', 'public domain (see /usr/share/common-licenses)'],
    locations: [{ path: '/var/lib/dpkg/status', layerIndex: 0 }],
    cpes: [],
    foundBy: 'dpkg-db',
  },
  {
    name: 'python3-urllib3',
    version: '1.26.12-1',
    type: 'deb',
    purl: 'pkg:deb/debian/python3-urllib3@1.26.12-1?arch=all&distro=debian-12',
    arch: 'all',
    source: { name: 'python-urllib3' },
    licenses: ['MIT'],
    locations: [{ path: '/var/lib/dpkg/status', layerIndex: 1 }],
    cpes: [],
    foundBy: 'dpkg-db',
    properties: { 'corral:upstream:purl': 'pkg:pypi/urllib3@1.26.12' },
  },
  {
    name: 'type-fest',
    version: '4.8.3',
    type: 'npm',
    purl: 'pkg:npm/type-fest@4.8.3',
    licenses: ['MIT OR CC0-1.0'],
    locations: [{ path: '/app/node_modules/type-fest/package.json', layerIndex: 2 }],
    cpes: [],
    foundBy: 'npm-package-json',
  },
  {
    name: '@babel/core',
    version: '7.23.0',
    type: 'npm',
    purl: 'pkg:npm/%40babel/core@7.23.0',
    licenses: ['MIT'],
    locations: [
      { path: '/app/node_modules/@babel/core/package.json', layerIndex: 2 },
      { path: '/app/package-lock.json', layerIndex: 2 },
    ],
    cpes: [],
    foundBy: 'npm-package-json',
  },
  {
    name: 'com.example:app',
    version: '1.0.0',
    type: 'maven',
    purl: 'pkg:maven/com.example/app@1.0.0',
    licenses: [],
    locations: [{ path: '/app/app.jar', layerIndex: 2 }],
    cpes: [],
    foundBy: 'java-archive',
  },
  {
    name: 'org.apache.logging.log4j:log4j-core',
    version: '2.14.1',
    type: 'maven',
    purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
    licenses: ['Apache-2.0'],
    locations: [{ path: '/app/app.jar:BOOT-INF/lib/log4j-core-2.14.1.jar', layerIndex: 2 }],
    cpes: ['cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*'],
    foundBy: 'java-archive',
  },
  {
    name: 'openjdk',
    version: '17.0.9+9',
    type: 'binary',
    purl: 'pkg:generic/openjdk@17.0.9%2B9',
    licenses: ['GPL-2.0-only WITH Classpath-exception-2.0'],
    locations: [{ path: '/opt/java/openjdk/release', layerIndex: 1 }],
    cpes: ['cpe:2.3:a:oracle:openjdk:17.0.9:*:*:*:*:*:*:*'],
    foundBy: 'binary-java-release',
  },
];

/** The sample SBOM (fresh objects on every call). */
export function sampleSbom(): Sbom {
  const packages: Package[] = DRAFTS.map((d) => ({
    id: idOf(d.purl, d.locations[0]!.path),
    ...structuredClone(d),
  }));
  const id = (name: string): string => packages.find((p) => p.name === name)!.id;
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: {
      ref: 'registry:registry.example.com/team/app:1.0',
      digest: digest('manifest'),
      configDigest: digest('config'),
      repoTags: ['registry.example.com/team/app:1.0'],
      repoDigests: [`registry.example.com/team/app@${digest('manifest')}`],
      platform: 'linux/amd64',
      layers: [
        {
          index: 0,
          digest: digest('blob0'),
          diffId: digest('diff0'),
          size: 29_123_456,
          createdBy: '/bin/sh -c #(nop) ADD file:abc in / ',
        },
        {
          index: 1,
          digest: digest('blob1'),
          diffId: digest('diff1'),
          size: 51_000_000,
          createdBy: 'RUN apt-get install -y python3-urllib3 openjdk-17-jre-headless # buildkit',
        },
        {
          index: 2,
          digest: digest('blob2'),
          diffId: digest('diff2'),
          size: 1_234_567,
          createdBy: 'COPY . /app # buildkit',
        },
      ],
      labels: {
        'org.opencontainers.image.source': 'https://example.com/team/app',
        maintainer: 'team@example.com',
      },
    },
    distro: {
      id: 'debian',
      versionId: '12',
      codename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    },
    packages,
    relationships: [
      { from: id('@babel/core'), to: id('type-fest'), type: 'depends-on' },
      { from: id('com.example:app'), to: id('org.apache.logging.log4j:log4j-core'), type: 'contains' },
      { from: id('openjdk'), to: id('libssl3'), type: 'evident-by' },
      ...packages.map((p) => ({ from: IMAGE_NODE_ID, to: p.id, type: 'contains' as const })),
    ],
    unknowns: [
      {
        path: '/app/node_modules/broken/package.json',
        layerIndex: 2,
        code: 'CATALOG_NPM_PACKAGE_JSON_INVALID',
        message: 'Unexpected end of JSON input',
        cataloger: 'npm-package-json',
      },
    ],
    createdAt: '2024-01-01T00:00:00.000Z',
    tool: { name: 'corral', version: '0.1.0' },
  };
}
