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
    const sbom = decodeCycloneDx(await fixture('trivy-centos-7.cdx.json'));
    assert.equal(sbom.tool.name, 'trivy');
    assert.deepEqual(sbom.distro, { id: 'centos', versionId: '7.6.1810' });
    assert.deepEqual(sbom.image.repoTags, ['ghcr.io/aquasecurity/trivy-test-images:centos-7']);
    assert.equal(
      sbom.image.digest,
      'sha256:f1cb7c7d58b73eac859c395882eec49d50651244e342cd6c68a5c7809785f427',
    );
    const ssl = sbom.packages.find((p) => p.name === 'openssl-libs')!;
    assert.deepEqual(
      { type: ssl.type, version: ssl.version, arch: ssl.arch, source: ssl.source, licenses: ssl.licenses },
      {
        type: 'rpm',
        version: '1:1.0.2k-16.el7',
        arch: 'x86_64',
        source: { name: 'openssl', version: '1:1.0.2k-16.el7' },
        licenses: ['OpenSSL+'],
      },
    );
    assert.deepEqual(ssl.locations, [{ path: '', layerIndex: 0 }]);
    assert.equal(sbom.packages.length, 2);
    assert.equal(sbom.relationships.filter((r) => r.from === 'image' && r.type === 'contains').length, 2);
    assert.deepEqual(sbom.unknowns, []);
  });

  it('reads syft output: legacy tools array, golang purl, CPEs, locations', async () => {
    const sbom = decodeCycloneDx(await fixture('syft-go-mod.cdx.json'));
    assert.equal(sbom.tool.name, 'syft');
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
        name: 'github.com/wagoodman/go-partybus',
        version: 'v0.0.0-20230516145632-8ccac152c651',
        cpes: ['cpe:2.3:a:wagoodman:go-partybus:v0.0.0-20230516145632-8ccac152c651:*:*:*:*:*:*:*'],
        foundBy: 'go-module-file-cataloger',
        locations: [{ path: '/go.mod', layerIndex: -1 }],
      },
    );
  });

  it('keeps what it can of a defective document and reports the rest as unknowns', async () => {
    const sbom = decodeCycloneDx(await fixture('syft-image-snapshot.cdx.json'));
    assert.deepEqual(sbom.distro, { id: 'debian', versionId: '1.2.3' });
    assert.deepEqual(
      sbom.packages.map((p) => p.purl),
      ['pkg:deb/debian/package-2@2.0.1'],
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
