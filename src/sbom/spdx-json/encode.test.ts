import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, redactUuids, render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { validateSpdx } from '../../../test/support/sbom-validate.js';
import { encodeSpdx } from './encode.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

interface Doc {
  documentNamespace: string;
  creationInfo: { created: string };
  packages: Array<{
    SPDXID: string;
    name: string;
    primaryPackagePurpose: string;
    licenseDeclared?: string;
    sourceInfo?: string;
    externalRefs?: Array<{ referenceCategory: string; referenceType: string; referenceLocator: string }>;
    annotations: Array<{ comment: string }>;
  }>;
  relationships: Array<{ spdxElementId: string; relatedSpdxElement: string; relationshipType: string }>;
  hasExtractedLicensingInfos: Array<{ licenseId: string; extractedText: string }>;
}

describe('SPDX 2.3 encoder', () => {
  it('matches the golden file and our SPDX 2.3 schema plus the spec rules', async () => {
    const text = await render((out) => encodeSpdx(sampleSbom(), out));
    assert.deepEqual(validateSpdx(text), []);
    await assertGolden(join(TESTDATA, 'image.golden.json'), redactUuids(text));
  });

  it('describes the image, which contains the OS and the packages', async () => {
    const sbom = sampleSbom();
    const doc = JSON.parse(await render((out) => encodeSpdx(sbom, out))) as Doc;
    assert.match(
      doc.documentNamespace,
      /^https:\/\/spdx\.org\/spdxdocs\/corral\/registry\.example\.com-team-app-[0-9a-f-]{36}$/,
    );
    assert.equal(doc.creationInfo.created, '2024-01-01T00:00:00Z');
    const purposes = doc.packages.map((p) => p.primaryPackagePurpose);
    assert.deepEqual(purposes.slice(0, 2), ['CONTAINER', 'OPERATING_SYSTEM']);
    assert.equal(purposes.filter((p) => p === 'APPLICATION').length, 1);
    const rel = (type: string, from: string): string[] =>
      doc.relationships
        .filter((r) => r.relationshipType === type && r.spdxElementId === from)
        .map((r) => r.relatedSpdxElement);
    assert.deepEqual(rel('DESCRIBES', 'SPDXRef-DOCUMENT'), ['SPDXRef-Image']);
    assert.equal(rel('CONTAINS', 'SPDXRef-Image').length, sbom.packages.length + 1);
    const ssl = doc.packages.find((p) => p.name === 'libssl3')!;
    assert.deepEqual(
      ssl.externalRefs!.map((r) => `${r.referenceCategory} ${r.referenceType}`),
      ['SECURITY cpe23Type', 'SECURITY cpe23Type', 'PACKAGE-MANAGER purl'],
    );
    assert.equal(ssl.sourceInfo, 'acquired package info from dpkg-db: /var/lib/dpkg/status (layer 0)');
    assert.ok(ssl.annotations.some((a) => a.comment === 'corral:package:source:name=openssl'));
  });

  it('writes free-text licences as declared LicenseRefs', async () => {
    const doc = JSON.parse(await render((out) => encodeSpdx(sampleSbom(), out))) as Doc;
    const base = doc.packages.find((p) => p.name === 'base-files')!;
    const [ref] = doc.hasExtractedLicensingInfos;
    assert.equal(ref!.extractedText, 'public domain (see /usr/share/common-licenses)');
    assert.equal(base.licenseDeclared, `GPL-2.0-or-later AND ${ref!.licenseId}`);
    assert.equal(doc.packages.find((p) => p.name === 'type-fest')!.licenseDeclared, 'MIT OR CC0-1.0');
    assert.equal(doc.packages.find((p) => p.name === 'com.example:app')!.licenseDeclared, 'NOASSERTION');
  });

  it('sanitises SPDXIDs from package ids and keeps them unique', async () => {
    const sbom = sampleSbom();
    sbom.packages[0]!.id = 'pkg:npm/a@1#x';
    sbom.packages[1]!.id = 'pkg:npm/a@1/x';
    sbom.relationships = [];
    const text = await render((out) => encodeSpdx(sbom, out));
    assert.deepEqual(validateSpdx(text), []);
    const ids = (JSON.parse(text) as Doc).packages.map((p) => p.SPDXID);
    assert.ok(
      ids.includes('SPDXRef-Package-pkg-npm-a-1-x') && ids.includes('SPDXRef-Package-pkg-npm-a-1-x-2'),
      ids.join(),
    );
  });

  it('is valid for an empty image without a timestamp', async () => {
    const sbom = {
      ...sampleSbom(),
      packages: [],
      relationships: [],
      unknowns: [],
      distro: undefined,
      createdAt: '',
    };
    sbom.image = { ref: 'dir:/rootfs', repoTags: [], repoDigests: [], platform: 'linux/amd64', layers: [] };
    assert.deepEqual(validateSpdx(await render((out) => encodeSpdx(sbom, out))), []);
  });
});
