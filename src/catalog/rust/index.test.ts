import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { catalogLayers, requireTools } from '../../../test/helpers/catalog-files.js';
import { parseElf, sectionData } from '../elf/index.js';
import { MAX_AUDIT_JSON_BYTES } from './parse-audit-data.js';
import { AUDIT_SECTION, rustCargoAuditable } from './index.js';
import { buildAuditableBinary, withSection } from './testdata/build-fixtures.js';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-rust-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('rust-cargo-auditable wants()', () => {
  const table: Array<[string, boolean]> = [
    ['/usr/local/bin/rg', true],
    ['/usr/local/cargo/bin/cargo-audit', true],
    ['/app/server', true],
    ['/usr/lib/libfoo.so', false],
    ['/app/Cargo.toml', false],
  ];
  for (const [path, want] of table) {
    it(`${path} → ${want}`, () => assert.equal(rustCargoAuditable.wants(path), want));
  }
});

describe('rust-cargo-auditable on a real image', () => {
  it('reads the dependency tree of a cargo-built binary and reports broken sections', async (t) => {
    if (!(await requireTools(t, ['cargo', 'objcopy']))) return;
    const fx = await buildAuditableBinary(work);
    const auditable = await readFile(fx.auditable);
    // The section really is in the ELF, as objcopy wrote it.
    const elf = parseElf(auditable);
    assert.ok(elf.kind === 'elf' && Buffer.isBuffer(sectionData(auditable, elf.elf, AUDIT_SECTION)));
    const garbage = await readFile(await withSection(fx.plain, AUDIT_SECTION, Buffer.from('not zlib'), work));
    const bomb = await readFile(
      await withSection(
        fx.plain,
        AUDIT_SECTION,
        deflateSync(Buffer.alloc(MAX_AUDIT_JSON_BYTES * 2, 0x20)),
        work,
      ),
    );
    const exe = (path: string, content: Buffer) => ({ path, content, mode: 0o755 });
    const sbom = await catalogLayers(
      work,
      [
        { files: [exe('/usr/local/bin/plain', await readFile(fx.plain)), exe('/app/garbage', garbage)] },
        { files: [exe('/usr/local/bin/corral-hello', auditable), exe('/app/bomb', bomb)] },
      ],
      [rustCargoAuditable],
    );
    assert.deepEqual(
      sbom.packages.map((p) => [p.purl, p.properties, p.locations]),
      [
        [
          'pkg:cargo/corral-buildhelp@0.9.0',
          { 'corral:cargo:source': 'local', 'corral:cargo:kind': 'build' },
        ],
        ['pkg:cargo/corral-greet@1.4.0', { 'corral:cargo:source': 'local' }],
        ['pkg:cargo/corral-hello@0.3.1', { 'corral:cargo:source': 'local', 'corral:cargo:root': 'true' }],
        ['pkg:cargo/corral-util@0.2.5', { 'corral:cargo:source': 'local' }],
      ].map(([purl, props]) => [purl, props, [{ path: '/usr/local/bin/corral-hello', layerIndex: 1 }]]),
    );
    const name = new Map(sbom.packages.map((p) => [p.id, p.name]));
    assert.deepEqual(
      sbom.relationships
        .filter((r) => r.type === 'depends-on')
        .map((r) => `${name.get(r.from)} -> ${name.get(r.to)}`)
        .sort(),
      ['corral-greet -> corral-util', 'corral-hello -> corral-buildhelp', 'corral-hello -> corral-greet'],
    );
    assert.deepEqual(sbom.unknowns.map((u) => `${u.path} ${u.code} ${u.layerIndex}`).sort(), [
      '/app/bomb CATALOG_RUST_AUDIT_DATA_TOO_LARGE 1',
      '/app/garbage CATALOG_RUST_AUDIT_DATA_INVALID 0',
    ]);
  });
});
