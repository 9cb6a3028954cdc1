import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertGolden, render } from '../../../test/support/golden.js';
import { sampleSbom } from '../../../test/support/sample-sbom.js';
import { encodeTable } from './encode.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

describe('table', () => {
  it('lists TYPE NAME VERSION LAYER sorted (golden)', async () => {
    const text = await render((out) => encodeTable(sampleSbom(), out));
    await assertGolden(join(TESTDATA, 'image.golden.txt'), text);
    const lines = text.trimEnd().split('\n');
    assert.match(lines[0]!, /^TYPE\s+NAME\s+VERSION\s+LAYER$/);
    assert.equal(lines.length, sampleSbom().packages.length + 1);
    assert.match(text, /^deb\s+libssl3\s+3\.0\.11-1~deb12u2\s+0$/m);
  });

  it('groups by layer with each created_by line (golden)', async () => {
    const sbom = sampleSbom();
    sbom.packages.push({ ...sbom.packages[0]!, id: 'p-nolayer', name: 'zz-unplaced', locations: [] });
    const text = await render((out) => encodeTable(sbom, out, { groupByLayer: true }));
    await assertGolden(join(TESTDATA, 'image-layers.golden.txt'), text);
    assert.match(text, /^LAYER 1 {2}\w{12} {2}2 packages\n {2}created_by: RUN apt-get install/m);
    assert.match(text, /^LAYER UNKNOWN\n/m);
  });

  it('says so when there are no packages, and colours headings on request', async () => {
    const sbom = { ...sampleSbom(), packages: [] };
    assert.equal(await render((out) => encodeTable(sbom, out)), '(no packages found)\n');
    const grouped = await render((out) => encodeTable(sbom, out, { groupByLayer: true, color: true }));
    assert.ok(grouped.includes('\u001b[1mLAYER 0\u001b[0m'), grouped);
    assert.match(grouped, /^ {2}\(no packages\)$/m);
  });
});
