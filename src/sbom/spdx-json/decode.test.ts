import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { canonical } from '../../../test/support/sbom-compare.js';
import { decodeSpdx } from './decode.js';
import { encodeSpdx } from './encode.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(join(TESTDATA, name), 'utf8'));

describe('SPDX decoder', () => {
  it('restores Corral output exactly (encode → decode is the identity)', async () => {
    const sbom = sampleSbom();
    const back = decodeSpdx(JSON.parse(await render((out) => encodeSpdx(sbom, out))));
    assert.deepEqual(canonical(back), canonical(sbom));
  });

  it('reads syft output: apk packages from purls (PACKAGE_MANAGER), CPEs, licences, distro, paths', async () => {
    const sbom = decodeSpdx(await fixture('syft-alpine-3.10.spdx.json'));
    assert.deepEqual(sbom.tool, { name: 'syft', version: '' });
    assert.deepEqual(sbom.distro, { id: 'alpine', versionId: '3.10.9' });
    assert.equal(sbom.createdAt, '2022-01-20T21:40:24.439Z');
    const busybox = sbom.packages.find((p) => p.name === 'busybox')!;
    assert.deepEqual(
      {
        type: busybox.type,
        version: busybox.version,
        arch: busybox.arch,
        licenses: busybox.licenses,
        locations: busybox.locations,
      },
      {
        type: 'apk',
        version: '1.30.1-r5',
        arch: 'x86_64',
        licenses: ['GPL-2.0'],
        locations: [{ path: '/lib/apk/db/installed', layerIndex: -1 }],
      },
    );
    assert.deepEqual(busybox.cpes, ['cpe:2.3:a:busybox:busybox:1.30.1-r5:*:*:*:*:*:*:*']);
    assert.ok(sbom.packages.every((p) => p.type === 'apk'));
    assert.deepEqual(sbom.unknowns, []);
  });

  it('reads trivy output: ContainerImage and OperatingSystem elements, attribution texts', async () => {
    const sbom = decodeSpdx(await fixture('trivy-centos-7.spdx.json'));
    assert.deepEqual(sbom.distro, { id: 'centos', versionId: '7.6.1810' });
    assert.deepEqual(sbom.image.repoTags, ['ghcr.io/aquasecurity/trivy-test-images:centos-7']);
    assert.deepEqual(
      sbom.image.layers.map((l) => l.diffId),
      ['sha256:89169d87dbe2b72ba42bfbb3579c957322baca28e03a1e558076542a1c1b2b4a'],
    );
    const ssl = sbom.packages.find((p) => p.name === 'openssl-libs')!;
    assert.deepEqual(
      { version: ssl.version, layers: ssl.locations.map((l) => l.layerIndex) },
      { version: '1:1.0.2k-16.el7', layers: [0] },
    );
    assert.equal(sbom.relationships.filter((r) => r.from === 'image').length, 2);
  });

  it('reports vendor packages without purl or CPE as unknowns', async () => {
    const sbom = decodeSpdx(await fixture('vendor-alpine-3.10.spdx.json'));
    assert.deepEqual(sbom.packages, []);
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.path, u.code]),
      [
        ['SPDXRef-busybox-1.30.1-r5', 'SBOM_PACKAGE_UNIDENTIFIED'],
        ['SPDXRef-ssl_client-1.30.1-r5', 'SBOM_PACKAGE_UNIDENTIFIED'],
      ],
    );
    assert.equal(sbom.image.ref, 'alpine');
  });

  it('maps DEPENDENCY_OF and evident-by comments to the model', () => {
    const pkg = (id: string, name: string) => ({
      SPDXID: id,
      name,
      versionInfo: '1.0.0',
      downloadLocation: 'NOASSERTION',
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator: `pkg:npm/${name}@1.0.0`,
        },
      ],
    });
    const sbom = decodeSpdx({
      spdxVersion: 'SPDX-2.3',
      SPDXID: 'SPDXRef-DOCUMENT',
      packages: [pkg('SPDXRef-a', 'a'), pkg('SPDXRef-b', 'b')],
      relationships: [
        { spdxElementId: 'SPDXRef-b', relatedSpdxElement: 'SPDXRef-a', relationshipType: 'DEPENDENCY_OF' },
        {
          spdxElementId: 'SPDXRef-a',
          relatedSpdxElement: 'SPDXRef-b',
          relationshipType: 'OTHER',
          comment: 'evident-by: x',
        },
        { spdxElementId: 'SPDXRef-a', relatedSpdxElement: 'SPDXRef-missing', relationshipType: 'DEPENDS_ON' },
      ],
    });
    assert.deepEqual(
      sbom.relationships
        .filter((r) => r.from !== 'image')
        .map((r) => `${r.from} ${r.type} ${r.to}`)
        .sort(),
      ['SPDXRef-a depends-on SPDXRef-b', 'SPDXRef-a evident-by SPDXRef-b'],
    );
  });

  it('refuses SPDX 3 and broken documents with their codes', async () => {
    assert.throws(
      () => decodeSpdx(JSON.parse('{"spdxVersion":"SPDX-3.0"}')),
      (e) => isAppError(e, 'SBOM_VERSION_UNSUPPORTED'),
    );
    const v3 = await fixture('syft-spdx-3.0.json');
    assert.throws(
      () => decodeSpdx(v3),
      (e) => isAppError(e, 'SBOM_VERSION_UNSUPPORTED'),
    );
    assert.throws(
      () => decodeSpdx({ spdxVersion: 'SPDX-2.3', packages: [] }),
      (e) => isAppError(e, 'SBOM_INVALID'),
    );
  });
});
