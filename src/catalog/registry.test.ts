import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CATALOGERS } from './registry.js';

/** Folders of src/catalog/ that hold infrastructure, not a cataloger. */
const NOT_CATALOGERS = new Set(['os', 'generic', 'testdata', 'internal', 'elf']);

describe('cataloger registry', () => {
  it('has unique, lowercase, stable ids and sane versions', () => {
    const ids = CATALOGERS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
    for (const c of CATALOGERS) {
      assert.match(c.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, c.id);
      assert.ok(Number.isInteger(c.version) && c.version >= 1, `${c.id} version`);
      assert.ok(c.tags.length > 0, `${c.id} tags`);
    }
  });

  it('lists a cataloger from every ecosystem folder (syft package_catalogers_represented_test)', async () => {
    const dir = import.meta.dirname;
    const folders = readdirSync(dir).filter(
      (n) => statSync(join(dir, n)).isDirectory() && !NOT_CATALOGERS.has(n),
    );
    for (const folder of folders) {
      const mod = (await import(`./${folder}/index.js`)) as Record<string, unknown>;
      const exported = Object.values(mod).filter(
        (v) => typeof v === 'object' && v !== null && 'wants' in v && 'catalog' in v,
      );
      assert.ok(exported.length > 0, `src/catalog/${folder}/index.ts exports no cataloger`);
      for (const c of exported)
        assert.ok(
          CATALOGERS.includes(c as (typeof CATALOGERS)[number]),
          `${folder}: ${(c as unknown as { id: string }).id} is not in registry.ts`,
        );
    }
  });

  it('keeps wants() pure and cheap: no throw on odd paths', () => {
    for (const c of CATALOGERS) {
      for (const p of ['/', '/a', '/.wh..wh..opq', `/${'x'.repeat(4000)}`, '/usr/lib/\u00e9\u0000x'])
        assert.equal(typeof c.wants(p), 'boolean', c.id);
    }
  });
});
