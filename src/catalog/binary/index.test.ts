import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogLayers } from '../../../test/helpers/catalog-files.js';
import type { FileSpec } from '../../../test/helpers/build-image.js';
import type { Cataloger } from '../cataloger.js';
import { emptyResult } from '../model.js';
import { binaryClassifier } from './index.js';
import { existing, HOST_BINARIES, jdkRelease } from './testdata/host-binaries.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-binary-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('binary-classifier wants()', () => {
  const table: Array<[string, boolean]> = [
    ['/usr/lib/jvm/java-17-openjdk-amd64/release', true],
    ['/opt/java/openjdk/release', true],
    ['/etc/release', false],
    ['/usr/local/bin/node', true],
    ['/usr/bin/nodejs', true],
    ['/usr/local/bin/python3.12', true],
    ['/usr/bin/python3', true],
    ['/usr/local/lib/libpython3.12.so.1.0', true],
    ['/usr/bin/python3.11-config', false],
    ['/usr/bin/openssl', true],
    ['/usr/lib/x86_64-linux-gnu/libssl.so.3', true],
    ['/lib/libcrypto.so.1.1', true],
    ['/usr/lib/x86_64-linux-gnu/libssl3.so', false],
    ['/bin/busybox', true],
    ['/usr/share/doc/openssl/changelog.gz', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(binaryClassifier.wants(path), want));
  }
});

/** A stand-in OS cataloger that claims `/bin/busybox`, to show the runner's folding of owned binaries. */
const ownsBusybox = {
  id: 'test-os-db',
  version: 1,
  tags: ['os'],
  wants: (p) => p === '/var/lib/test-os/db',
  catalog: async () => ({
    ...emptyResult(),
    packages: [
      {
        name: 'busybox-static',
        version: '1:1.35.0-4',
        type: 'deb',
        purl: 'pkg:deb/debian/busybox-static@1:1.35.0-4',
        licenses: [],
        locations: [],
        cpes: [],
        foundBy: 'test-os-db',
        ownedFiles: ['/bin/busybox'],
      },
    ],
  }),
} satisfies Cataloger;

describe('binary-classifier on a real image', () => {
  it('finds versions in real binaries and JDK release files copied from this machine', async (t) => {
    const hosts = Object.values(HOST_BINARIES).map((h) => h.path);
    const { home, release } = await jdkRelease();
    const present = await existing([...hosts, release]);
    if (present.length < hosts.length + 1) {
      const missing = [...hosts, release].filter((p) => !present.includes(p));
      if (process.env.CI === 'true') assert.fail(`missing on this machine: ${missing.join(', ')}`);
      t.skip(`missing on this machine: ${missing.join(', ')}`);
      return;
    }
    const copy = async (from: string, to = from): Promise<FileSpec> => ({
      path: to,
      content: await readFile(from),
      mode: 0o755,
    });
    const sbom = await catalogLayers(
      work,
      [
        {
          files: [
            await copy(HOST_BINARIES.openssl!.path),
            await copy(HOST_BINARIES.libssl!.path),
            await copy(HOST_BINARIES.libcrypto!.path),
            await copy(HOST_BINARIES.busybox!.path),
            await copy(HOST_BINARIES.python!.path),
            await copy(HOST_BINARIES.libpython!.path),
            await copy(release, '/opt/jdk/release'),
            await copy(join(home, 'bin', 'javac'), '/opt/jdk/bin/javac'),
            { path: '/var/lib/test-os/db', content: 'busybox-static\n' },
          ],
        },
        // node is ~100 MiB: an uncompressed layer keeps the build fast; it spills to disk in the walk.
        { files: [await copy(HOST_BINARIES.node!.path, '/usr/local/bin/node')], compression: 'none' },
      ],
      [binaryClassifier, ownsBusybox],
    );
    const expected = async (id: string) => (await HOST_BINARIES[id]!.expected())!;
    const java = (await readFile(release, 'utf8')).match(/^JAVA_VERSION="(.*)"$/m)![1]!;
    const got = sbom.packages
      .filter((p) => p.type === 'binary')
      .map((p) => `${p.locations[0]!.layerIndex} ${p.locations[0]!.path} ${p.purl} ${p.cpes[0]}`)
      .sort();
    assert.deepEqual(
      got,
      [
        `0 ${HOST_BINARIES.libcrypto!.path} pkg:generic/openssl@${await expected('libcrypto')} cpe:2.3:a:openssl:openssl:${await expected('libcrypto')}:*:*:*:*:*:*:*`,
        `0 ${HOST_BINARIES.libpython!.path} pkg:generic/python@${await expected('python')} cpe:2.3:a:python_software_foundation:python:${await expected('python')}:*:*:*:*:*:*:*`,
        `0 ${HOST_BINARIES.openssl!.path} pkg:generic/openssl@${await expected('openssl')} cpe:2.3:a:openssl:openssl:${await expected('openssl')}:*:*:*:*:*:*:*`,
        `0 ${HOST_BINARIES.python!.path} pkg:generic/python@${await expected('python')} cpe:2.3:a:python_software_foundation:python:${await expected('python')}:*:*:*:*:*:*:*`,
        `0 /opt/jdk/release pkg:generic/openjdk@${java} cpe:2.3:a:oracle:openjdk:${java}:*:*:*:*:*:*:*`,
        `1 /usr/local/bin/node pkg:generic/node@${await expected('node')} cpe:2.3:a:nodejs:node.js:${await expected('node')}:*:*:*:*:*:*:*`,
      ].sort(),
    );
    // busybox was found, then folded into the OS package that owns /bin/busybox.
    const os = sbom.packages.find((p) => p.name === 'busybox-static')!;
    assert.equal(os.properties?.['corral:upstream:purl'], `pkg:generic/busybox@${await expected('busybox')}`);
    const jdk = sbom.packages.find((p) => p.name === 'openjdk')!;
    assert.equal(jdk.properties?.['corral:jvm:home'], '/opt/jdk');
    assert.deepEqual(sbom.unknowns, []);
  });
});
