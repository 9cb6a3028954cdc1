import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { canonical } from '../../../test/support/sbom-compare.js';
import { decodeCycloneDx } from './decode.js';
import { encodeCycloneDx } from './encode.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(join(TESTDATA, name), 'utf8'));

describe('CycloneDX decoder', () => {
  it('restores Corral output exactly (encode → decode is the identity)', async () => {
    const sbom = sampleSbom();
    const back = decodeCycloneDx(JSON.parse(await render((out) => encodeCycloneDx(sbom, out))));
    assert.deepEqual(canonical(back), canonical(sbom));
  });

  it('reads trivy output: rpm packages from purls with epoch, source, layer, distro', async () => {
    const sbom = decodeCycloneDx(await fixture('trivy-rocky-9.cdx.json'));
    assert.equal(sbom.tool.name, 'trivy');
    assert.deepEqual(sbom.distro, { id: 'rocky', versionId: '9.3' });
    assert.deepEqual(sbom.image.repoTags, ['registry.corral.invalid/base/rocky:9.3-minimal']);
    assert.equal(
      sbom.image.digest,
      'sha256:51677f3aad1bcf6f426fb484560e3d8cd6ce402abd598aa18848eb07aa852bbd',
    );
    const ssl = sbom.packages.find((p) => p.name === 'openssl-libs')!;
    assert.deepEqual(
      { type: ssl.type, version: ssl.version, arch: ssl.arch, source: ssl.source, licenses: ssl.licenses },
      {
        type: 'rpm',
        version: '1:3.0.7-25.el9_3',
        arch: 'x86_64',
        source: { name: 'openssl', version: '1:3.0.7-25.el9_3' },
        licenses: ['ASL 2.0'],
      },
    );
    assert.deepEqual(ssl.locations, [{ path: '', layerIndex: 0 }]);
    const zlib = sbom.packages.find((p) => p.name === 'zlib')!;
    assert.deepEqual(
      [zlib.version, zlib.source],
      ['1.2.11-40.el9', { name: 'zlib', version: '1.2.11-40.el9' }],
    );
    assert.equal(sbom.packages.length, 2);
    assert.equal(sbom.relationships.filter((r) => r.from === 'image' && r.type === 'contains').length, 2);
    assert.deepEqual(sbom.unknowns, []);
  });

  it('reads syft output: legacy tools array, golang purl, CPEs, locations', async () => {
    const sbom = decodeCycloneDx(await fixture('syft-go-mod.cdx.json'));
    assert.equal(sbom.tool.name, 'syft');
    assert.deepEqual(
      sbom.packages.map((p) => p.name),
      ['github.com/spf13/cobra', 'github.com/rs/zerolog'],
    );
    const [p] = sbom.packages;
    assert.deepEqual(
      {
        type: p!.type,
        name: p!.name,
        version: p!.version,
        cpes: p!.cpes,
        foundBy: p!.foundBy,
        locations: p!.locations,
      },
      {
        type: 'golang',
        name: 'github.com/spf13/cobra',
        version: 'v1.8.0',
        cpes: ['cpe:2.3:a:spf13:cobra:v1.8.0:*:*:*:*:*:*:*'],
        foundBy: 'go-module-file-cataloger',
        locations: [{ path: '/go.mod', layerIndex: -1 }],
      },
    );
  });

  it('keeps what it can of a defective document and reports the rest as unknowns', async () => {
    const sbom = decodeCycloneDx(await fixture('syft-image-snapshot.cdx.json'));
    assert.deepEqual(sbom.distro, { id: 'debian', versionId: '12' });
    assert.deepEqual(
      sbom.packages.map((p) => p.purl),
      ['pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12'],
    );
    assert.deepEqual(
      sbom.unknowns.map((u) => [u.path, u.code]),
      [['components[0]', 'SBOM_PURL_INVALID']],
    );
  });

  it('reads nested components, drops invalid ones and reports them', () => {
    const doc = {
      bomFormat: 'CycloneDX',
      specVersion: '1.4',
      components: [
        { type: 'library', purl: 'pkg:npm/no-name@1.0.0' },
        {
          type: 'application',
          name: 'app/package-lock.json',
          components: [
            { type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' },
          ],
        },
        { type: 'library', name: 'swift', purl: 'pkg:swift/github.com/apple/swift-nio@2.0.0' },
        { type: 'library', name: 'naked' },
      ],
    };
    const sbom = decodeCycloneDx(doc);
    assert.deepEqual(
      sbom.packages.map((p) => `${p.type}/${p.name}@${p.version}`),
      ['npm/left-pad@1.3.0'],
    );
    assert.deepEqual(
      sbom.unknowns.map((u) => u.code),
      ['SBOM_ELEMENT_INVALID', 'SBOM_PACKAGE_TYPE_UNSUPPORTED', 'SBOM_PACKAGE_UNIDENTIFIED'],
    );
    assert.match(sbom.unknowns[0]!.message, /components\[0\]\.name/);
  });

  it('stops reading nested components at a bounded depth', () => {
    let nested: Record<string, unknown> | undefined;
    for (let i = 100; i >= 0; i--) {
      nested = {
        type: 'library',
        name: `p${i}`,
        purl: `pkg:npm/p${i}@1.0.0`,
        ...(nested && { components: [nested] }),
      };
    }
    const sbom = decodeCycloneDx({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [nested] });
    assert.equal(sbom.packages.length, 33);
  });

  it('throws SBOM_INVALID for a broken skeleton and SBOM_VERSION_UNSUPPORTED for old versions', () => {
    assert.throws(
      () => decodeCycloneDx({ bomFormat: 'CycloneDX' }),
      (e) => isAppError(e, 'SBOM_INVALID'),
    );
    assert.throws(
      () => decodeCycloneDx({ bomFormat: 'CycloneDX', specVersion: '1.6', components: {} }),
      (e) => isAppError(e, 'SBOM_INVALID'),
    );
    assert.throws(
      () => decodeCycloneDx({ bomFormat: 'CycloneDX', specVersion: '1.1' }),
      (e) => isAppError(e, 'SBOM_VERSION_UNSUPPORTED'),
    );
  });
});
