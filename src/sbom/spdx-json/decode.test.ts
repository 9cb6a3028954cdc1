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
    const sbom = decodeSpdx(await fixture('syft-alpine-3.19.spdx.json'));
    assert.deepEqual(sbom.tool, { name: 'syft', version: '' });
    assert.deepEqual(sbom.distro, { id: 'alpine', versionId: '3.19.1' });
    assert.equal(sbom.createdAt, '2024-02-11T09:15:42.817Z');
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
        version: '1.36.1-r15',
        arch: 'x86_64',
        licenses: ['GPL-2.0-only'],
        locations: [{ path: '/lib/apk/db/installed', layerIndex: -1 }],
      },
    );
    assert.deepEqual(busybox.cpes, ['cpe:2.3:a:busybox:busybox:1.36.1-r15:*:*:*:*:*:*:*']);
    const ssl = sbom.packages.find((p) => p.name === 'ssl_client')!;
    assert.equal(ssl.cpes.length, 4);
    assert.ok(sbom.packages.every((p) => p.type === 'apk'));
    assert.deepEqual(sbom.unknowns, []);
  });

  it('reads trivy output: ContainerImage and OperatingSystem elements, attribution texts', async () => {
    const sbom = decodeSpdx(await fixture('trivy-rocky-9.spdx.json'));
    assert.deepEqual(sbom.distro, { id: 'rocky', versionId: '9.3' });
    assert.deepEqual(sbom.image.repoTags, ['registry.corral.invalid/base/rocky:9.3-minimal']);
    assert.deepEqual(
      sbom.image.layers.map((l) => l.diffId),
      ['sha256:76ee44413a3203c719e59eee60f1eaf13f823874b8edf5fa8a42611fe401724b'],
    );
    const ssl = sbom.packages.find((p) => p.name === 'openssl-libs')!;
    assert.deepEqual(
      { version: ssl.version, layers: ssl.locations.map((l) => l.layerIndex) },
      { version: '1:3.0.7-25.el9_3', layers: [0] },
    );
    assert.equal(sbom.relationships.filter((r) => r.from === 'image').length, 2);
  });

  it('reports vendor packages without purl or CPE as unknowns', async () => {
    const sbom = decodeSpdx(await fixture('vendor-alpine-3.19.spdx.json'));
    assert.deepEqual(sbom.packages, []);
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.path, u.code]),
      [
        ['SPDXRef-musl-1.2.4_git20230717-r4', 'SBOM_PACKAGE_UNIDENTIFIED'],
        ['SPDXRef-zlib-1.3.1-r0', 'SBOM_PACKAGE_UNIDENTIFIED'],
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
    const v3 = await fixture('spdx-3.0.json');
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
