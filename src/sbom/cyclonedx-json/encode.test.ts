import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, redactUuids, render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { validateCycloneDx } from '../../../test/support/sbom-validate.js';
import { cdxLicenses, encodeCycloneDx } from './encode.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

interface Bom {
  serialNumber: string;
  metadata: { component: { name: string; version: string; hashes: { alg: string; content: string }[] } };
  components: Array<{
    'bom-ref': string;
    type: string;
    name: string;
    cpe?: string;
    properties: { name: string; value: string }[];
  }>;
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
}

describe('CycloneDX 1.6 encoder', () => {
  it('matches the golden file and the official 1.6 schema (strict)', async () => {
    const text = await render((out) => encodeCycloneDx(sampleSbom(), out));
    assert.deepEqual(await validateCycloneDx(text), []);
    await assertGolden(join(TESTDATA, 'image.golden.json'), redactUuids(text));
  });

  it('writes the image as the root component and the packages with their facts', async () => {
    const sbom = sampleSbom();
    const bom = JSON.parse(await render((out) => encodeCycloneDx(sbom, out))) as Bom;
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.equal(bom.metadata.component.name, 'registry.example.com/team/app');
    assert.equal(bom.metadata.component.version, sbom.image.digest);
    assert.equal(bom.metadata.component.hashes[0]!.alg, 'SHA-256');
    const os = bom.components[0]!;
    assert.deepEqual([os.type, os.name], ['operating-system', 'debian']);
    const jdk = bom.components.find((c) => c.name === 'openjdk')!;
    assert.equal(jdk.type, 'application');
    const ssl = bom.components.find((c) => c.name === 'libssl3')!;
    assert.equal(ssl.cpe, sbom.packages.find((p) => p.name === 'libssl3')!.cpes[0]);
    const prop = (n: string): string[] => ssl.properties.filter((p) => p.name === n).map((p) => p.value);
    assert.deepEqual(prop('corral:package:cpe'), ['cpe:2.3:a:openssl:libssl3:3.0.11:*:*:*:*:*:*:*']);
    assert.deepEqual(prop('corral:location:0:layerDiffId'), [sbom.image.layers[0]!.diffId]);
    const image = bom.dependencies.find((d) => d.ref === 'image')!;
    assert.equal(image.dependsOn.length, sbom.packages.length);
    const babel = bom.components.find((c) => c.name === '@babel/core')!;
    const fest = bom.components.find((c) => c.name === 'type-fest')!;
    assert.deepEqual(bom.dependencies.find((d) => d.ref === babel['bom-ref'])?.dependsOn, [fest['bom-ref']]);
  });

  it('is valid for an empty image (no distro, no packages, no digest)', async () => {
    const sbom = { ...sampleSbom(), packages: [], relationships: [], unknowns: [], distro: undefined };
    sbom.image = { ref: 'dir:/rootfs', repoTags: [], repoDigests: [], platform: 'linux/amd64', layers: [] };
    const text = await render((out) => encodeCycloneDx(sbom, out));
    assert.deepEqual(await validateCycloneDx(text), []);
  });
});

describe('cdxLicenses', () => {
  // ref. https://cyclonedx.org/docs/1.6/json/#components_items_licenses: a list of id/name, or ONE expression
  const cases: Array<[string[], unknown]> = [
    [['MIT'], [{ license: { id: 'MIT' } }]],
    [
      ['MIT', 'GPLv3+'],
      [{ license: { id: 'MIT' } }, { license: { name: 'GPLv3+' } }],
    ],
    [['MIT OR Apache-2.0'], [{ expression: 'MIT OR Apache-2.0' }]],
    [['mit or apache'], [{ license: { name: 'mit or apache' } }]],
    [['GPL-2.0+'], [{ expression: 'GPL-2.0+' }]],
    [['LicenseRef-acme'], [{ expression: 'LicenseRef-acme' }]],
    [['MIT OR Apache-2.0', 'BSD-3-Clause'], [{ expression: '(MIT OR Apache-2.0) AND BSD-3-Clause' }]],
    [['Artistic-1.0-Perl or GPL-1.0+'], [{ expression: 'Artistic-1.0-Perl OR GPL-1.0+' }]],
    [
      ['MIT OR Apache-2.0', 'public domain'],
      [{ license: { name: 'MIT OR Apache-2.0' } }, { license: { name: 'public domain' } }],
    ],
    [['MIT', 'MIT'], [{ license: { id: 'MIT' } }]],
    [[], []],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)}`, () => assert.deepEqual(cdxLicenses(input), expected));
  }

  it('every case validates against the schema', async () => {
    for (const [input] of cases) {
      const sbom = sampleSbom();
      sbom.packages[0]!.licenses = input;
      assert.deepEqual(
        await validateCycloneDx(await render((out) => encodeCycloneDx(sbom, out))),
        [],
        JSON.stringify(input),
      );
    }
  });
});
