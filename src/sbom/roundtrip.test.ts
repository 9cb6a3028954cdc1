/**
 * Real catalog output through every format that reads back: encode → (schema-valid) → decode must keep
 * everything matching needs (type, name, version, purl, arch, source, CPEs, locations with layers, the
 * distro, the image digest and layers) and the relationships. The image is a real OCI layout built here;
 * the catalogers are the toy ones of test/support, so this does not depend on any ecosystem.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildOciLayout } from '../../test/helpers/build-image.js';
import { render } from '../../test/support/golden.js';
import { canonical, matchingView } from '../../test/support/sbom-compare.js';
import { validateCycloneDx, validateSpdx } from '../../test/support/sbom-validate.js';
import { TOY_CATALOGERS, TOY_STATUS } from '../../test/support/toy-catalogers.js';
import { catalogImage } from '../catalog/run.js';
import { openImage } from '../image/index.js';
import { defaultLimits } from '../image/limits.js';
import { detectAndDecode, SBOM_FORMATS } from './formats.js';
import type { Sbom } from './model.js';

let work: string;
let sbom: Sbom;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-roundtrip-'));
  const layout = join(work, 'layout');
  await buildOciLayout(layout, {
    tag: 'v1',
    config: { config: { Labels: { 'org.opencontainers.image.title': 'roundtrip' } } },
    layers: [
      {
        files: [
          { path: '/etc', type: 'dir' },
          { path: '/etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
          { path: '/var/lib/toy', type: 'dir' },
          {
            path: TOY_STATUS,
            content:
              'libssl3 3.0.11-1~deb12u2 amd64 openssl@3.0.11-1~deb12u2 -\nbash 5.2.15-2+b2 amd64 - -\n',
          },
        ],
        createdBy: 'ADD rootfs /',
      },
      {
        files: [
          { path: '/app', type: 'dir' },
          {
            path: '/app/toy-pkg.json',
            content: JSON.stringify({ name: 'app', version: '1.0.0', deps: ['dep@2.0.0'] }),
          },
          { path: '/app/dep', type: 'dir' },
          { path: '/app/dep/toy-pkg.json', content: JSON.stringify({ name: 'dep', version: '2.0.0' }) },
          { path: '/app/bad', type: 'dir' },
          { path: '/app/bad/toy-pkg.json', content: 'not json' },
        ],
        createdBy: 'COPY . /app',
      },
    ],
  });
  const limits = defaultLimits();
  const img = await openImage(`oci-layout:${layout}:v1`, { limits });
  try {
    sbom = await catalogImage(img, { limits, catalogers: TOY_CATALOGERS });
  } finally {
    await img.close();
  }
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const VALIDATORS: Record<string, (text: string) => Promise<string[]> | string[]> = {
  'cyclonedx-json': validateCycloneDx,
  'spdx-json': validateSpdx,
};

describe('catalog output round trip', () => {
  it('has something to carry', () => {
    assert.equal(sbom.packages.length, 4);
    assert.equal(sbom.unknowns.length, 1);
    assert.ok(sbom.relationships.some((r) => r.type === 'depends-on'));
  });

  for (const format of SBOM_FORMATS.filter((f) => f.decoder)) {
    it(`${format.id}: valid, and decode(encode(sbom)) keeps what matching needs`, async () => {
      const text = await render((out) => format.encode(sbom, out));
      const validate = VALIDATORS[format.id];
      if (validate) assert.deepEqual(await validate(text), []);
      const decoded = detectAndDecode(text);
      assert.equal(decoded.format, format.id);
      const [want, got] = [canonical(sbom), canonical(decoded.sbom)];
      assert.deepEqual(got.packages.map(matchingView), want.packages.map(matchingView));
      assert.deepEqual(got.distro, want.distro);
      assert.deepEqual(got.image, want.image);
      assert.deepEqual(got.relationships, want.relationships);
      assert.deepEqual(got.unknowns, want.unknowns);
    });
  }
});
