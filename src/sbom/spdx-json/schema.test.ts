import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { validateSpdx } from '../../../test/support/sbom-validate.js';
import { encodeSpdx } from './encode.js';

type Doc = Record<string, unknown> & {
  packages: Array<Record<string, unknown>>;
  relationships: Array<Record<string, unknown>>;
};

/** A small valid SPDX 2.3 document; each case breaks one thing in a fresh copy. */
function minimal(): Doc {
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: 'schema-check',
    documentNamespace: 'https://corral.invalid/spdx/schema-check-1',
    creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: corral-test'] },
    packages: [
      {
        SPDXID: 'SPDXRef-Package-zlib',
        name: 'zlib',
        versionInfo: '1.3.1-r0',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseDeclared: 'Zlib',
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator: 'pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64',
          },
        ],
      },
    ],
    relationships: [
      {
        spdxElementId: 'SPDXRef-DOCUMENT',
        relationshipType: 'DESCRIBES',
        relatedSpdxElement: 'SPDXRef-Package-zlib',
      },
    ],
  };
}

const errorsOf = (doc: Doc): string[] => validateSpdx(JSON.stringify(doc));

describe('SPDX 2.3 schema (src/sbom/spdx-json/spdx-2.3.schema.json)', () => {
  it('accepts a minimal document and Corral’s own output', async () => {
    assert.deepEqual(errorsOf(minimal()), []);
    assert.deepEqual(validateSpdx(await render((out) => encodeSpdx(sampleSbom(), out))), []);
  });

  const broken: Array<[string, (d: Doc) => void, RegExp]> = [
    ['a missing documentNamespace', (d) => delete d.documentNamespace, /documentNamespace/],
    [
      'a package SPDXID with an underscore',
      (d) => (d.packages[0]!.SPDXID = 'SPDXRef-zlib_1'),
      /packages\/0\/SPDXID/,
    ],
    [
      'an unknown relationship type',
      (d) => (d.relationships[0]!.relationshipType = 'INCLUDES'),
      /relationships\/0\/relationshipType/,
    ],
    ['SPDX 2.2 as the version', (d) => (d.spdxVersion = 'SPDX-2.2'), /spdxVersion/],
    ['another data license', (d) => (d.dataLicense = 'MIT'), /dataLicense/],
    [
      'a creator without a Tool/Organization/Person prefix',
      (d) => (d.creationInfo = { created: '2024-01-01T00:00:00Z', creators: ['corral'] }),
      /creationInfo\/creators\/0/,
    ],
    [
      'a created date that is not a date-time',
      (d) => (d.creationInfo = { created: 'yesterday', creators: ['Tool: x'] }),
      /created/,
    ],
    ['a package without downloadLocation', (d) => delete d.packages[0]!.downloadLocation, /downloadLocation/],
    ['filesAnalyzed as a string', (d) => (d.packages[0]!.filesAnalyzed = 'false'), /filesAnalyzed/],
    ['a supplier without Person/Organization', (d) => (d.packages[0]!.supplier = 'Alpine'), /supplier/],
    [
      'an unknown external reference category',
      (d) =>
        (d.packages[0]!.externalRefs = [
          { referenceCategory: 'PACKAGE', referenceType: 'purl', referenceLocator: 'pkg:apk/alpine/zlib' },
        ]),
      /externalRefs\/0\/referenceCategory/,
    ],
    [
      'an unknown checksum algorithm',
      (d) => (d.packages[0]!.checksums = [{ algorithm: 'CRC32', checksumValue: 'abcd' }]),
      /checksums\/0\/algorithm/,
    ],
    [
      'an unknown package purpose',
      (d) => (d.packages[0]!.primaryPackagePurpose = 'PLUGIN'),
      /primaryPackagePurpose/,
    ],
    [
      'an annotation of an unknown type',
      (d) =>
        (d.annotations = [
          {
            annotationDate: '2024-01-01T00:00:00Z',
            annotationType: 'NOTE',
            annotator: 'Tool: x',
            comment: 'c',
          },
        ]),
      /annotations\/0\/annotationType/,
    ],
  ];
  for (const [what, breakIt, where] of broken) {
    it(`rejects ${what}`, () => {
      const doc = minimal();
      breakIt(doc);
      const errors = errorsOf(doc);
      assert.ok(
        errors.some((e) => where.test(e)),
        `expected an error matching ${String(where)}, got ${JSON.stringify(errors)}`,
      );
    });
  }
});
