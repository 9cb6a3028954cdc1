/** THE matcher list is complete and consistent (CONVENTIONS.md §2.8 habit 1). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_TYPES } from '../catalog/model.js';
import { apkDistro } from './apk/index.js';
import { cpeBinary } from './cpe/index.js';
import { dpkgDistro } from './dpkg/index.js';
import { rpmDistro } from './rpm/index.js';
import { MATCHERS } from './registry.js';

/** Folder → the matcher its index.ts exports. */
const BY_FOLDER: Record<string, unknown> = {
  apk: apkDistro,
  cpe: cpeBinary,
  dpkg: dpkgDistro,
  rpm: rpmDistro,
};

describe('matcher registry', () => {
  it('has unique ids', () => {
    const ids = MATCHERS.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('lists the matcher of every folder', async () => {
    const dir = import.meta.dirname;
    const folders = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'index.ts')))
      .map((e) => e.name)
      .sort();
    assert.deepEqual(folders, Object.keys(BY_FOLDER).sort());
    for (const m of Object.values(BY_FOLDER)) assert.ok(MATCHERS.includes(m as (typeof MATCHERS)[number]));
  });

  it('covers every package type', () => {
    const covered = new Set(MATCHERS.flatMap((m) => m.packageTypes));
    assert.deepEqual(
      PACKAGE_TYPES.filter((t) => !covered.has(t)),
      [],
    );
  });
});
