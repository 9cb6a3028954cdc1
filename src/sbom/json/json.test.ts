import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../../errors.js';
import { assertGolden, render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { canonical } from '../../../test/support/sbom-compare.js';
import { decodeCorralJson, isCorralJson } from './decode.js';
import { encodeCorralJson } from './encode.js';

describe('Corral SBOM JSON', () => {
  it('matches the golden file and round-trips exactly', async () => {
    const sbom = sampleSbom();
    const text = await render((out) => encodeCorralJson(sbom, out));
    await assertGolden(join(import.meta.dirname, 'testdata', 'image.golden.json'), text);
    const doc: unknown = JSON.parse(text);
    assert.ok(isCorralJson(doc));
    assert.deepEqual(canonical(decodeCorralJson(doc)), canonical(sbom));
  });

  it('drops invalid packages and relationships into unknowns', () => {
    const doc = JSON.parse(JSON.stringify(sampleSbom())) as {
      packages: unknown[];
      relationships: unknown[];
      unknowns: unknown[];
    };
    doc.packages.push({ id: 'p-bad', name: 'x', type: 'cobol' });
    doc.relationships.push({ from: 'a', to: 'b', type: 'likes' });
    const sbom = decodeCorralJson(doc);
    assert.equal(sbom.packages.length, sampleSbom().packages.length);
    assert.deepEqual(
      sbom.unknowns.slice(1).map((u) => [u.path, u.code]),
      [
        [`packages[${sbom.packages.length}]`, 'SBOM_ELEMENT_INVALID'],
        [`relationships[${sampleSbom().relationships.length}]`, 'SBOM_ELEMENT_INVALID'],
      ],
    );
  });

  it('refuses a newer schemaVersion and a broken skeleton', () => {
    assert.throws(
      () => decodeCorralJson({ ...sampleSbom(), schemaVersion: 99 }),
      (e) => isAppError(e, 'SBOM_VERSION_UNSUPPORTED'),
    );
    assert.throws(
      () => decodeCorralJson({ schemaVersion: 1, packages: [] }),
      (e) => isAppError(e, 'SBOM_INVALID'),
    );
  });
});
