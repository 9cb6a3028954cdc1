import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../errors.js';
import { render } from '../../test/support/golden.js';
import { sampleSbom } from '../../test/support/sample-sbom.js';
import { canonical, matchingView } from '../../test/support/sbom-compare.js';
import { detectAndDecode, findSbomFormat, SBOM_FORMATS } from './formats.js';

const HERE = import.meta.dirname;

describe('SBOM format registry', () => {
  it('lists every format folder exactly once, with unique ids (habit 1)', async () => {
    const folders = (await readdir(HERE, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && existsSync(join(HERE, d.name, 'index.ts')))
      .map((d) => d.name)
      .sort();
    const ids = SBOM_FORMATS.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), folders);
  });

  it('finds formats by id and names the known ones otherwise', () => {
    assert.equal(findSbomFormat('spdx-json').id, 'spdx-json');
    assert.throws(
      () => findSbomFormat('xml'),
      (e) => isAppError(e, 'SBOM_FORMAT_UNKNOWN') && /cyclonedx-json/.test(e.hint ?? ''),
    );
  });
});

describe('detectAndDecode', () => {
  for (const f of SBOM_FORMATS.filter((x) => x.decoder)) {
    it(`recognises ${f.id} and keeps what matching needs`, async () => {
      const sbom = sampleSbom();
      const text = await render((out) => f.encode(sbom, out));
      const got = detectAndDecode(Buffer.from(`\ufeff${text}`));
      assert.equal(got.format, f.id);
      const want = canonical(sbom);
      const back = canonical(got.sbom);
      assert.deepEqual(back.packages.map(matchingView), want.packages.map(matchingView));
      assert.deepEqual(back.distro, want.distro);
      assert.deepEqual([back.image.digest, back.image.layers], [want.image.digest, want.image.layers]);
    });
  }

  it('reads other tools’ files', async () => {
    const cdx = await readFile(join(HERE, 'cyclonedx-json', 'testdata', 'trivy-rocky-9.cdx.json'));
    assert.equal(detectAndDecode(cdx).format, 'cyclonedx-json');
    const spdx = await readFile(join(HERE, 'spdx-json', 'testdata', 'syft-alpine-3.19.spdx.json'));
    assert.equal(detectAndDecode(spdx).sbom.packages.length, 3);
  });

  it('rejects what it cannot read with a code', () => {
    const code = (input: string): string | undefined => {
      try {
        detectAndDecode(input);
        return undefined;
      } catch (e) {
        return isAppError(e) ? e.code : 'not an AppError';
      }
    };
    assert.equal(code('<?xml version="1.0"?><bom/>'), 'SBOM_UNRECOGNISED');
    assert.equal(code('SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n'), 'SBOM_VERSION_UNSUPPORTED');
    assert.equal(code('{"hello": "world"}'), 'SBOM_UNRECOGNISED');
    assert.equal(code('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": 3}'), 'SBOM_INVALID');
    assert.equal(code('{ truncated'), 'SBOM_UNRECOGNISED');
    assert.equal(code('[]'), 'SBOM_UNRECOGNISED');
  });
});
