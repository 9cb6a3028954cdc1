import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dep5ToSpdx, parseCopyrightLicenses } from './parse-copyright.js';

const DOC = join(import.meta.dirname, 'testdata', 'rootfs-bookworm', 'usr', 'share', 'doc');
const FORMAT = 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n';

describe('dep5ToSpdx', () => {
  // short names from copyright-format 1.0 "License short name" and the License: lines of the bookworm
  // minbase copyright files; undefined = not certain, left to the generic normaliser
  const table: Array<[string, string | undefined]> = [
    ['GPL-2', 'GPL-2.0-only'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2.0+', 'GPL-2.0-or-later'],
    ['GPL-1+', 'GPL-1.0-or-later'],
    ['GPL-3+', 'GPL-3.0-or-later'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['LGPL-2+', 'LGPL-2.0-or-later'],
    ['LGPL-3', 'LGPL-3.0-only'],
    ['AGPL-3+', 'AGPL-3.0-or-later'],
    ['GFDL-1.2+', 'GFDL-1.2-or-later'],
    ['GFDL-NIV-1.3', 'GFDL-1.3-no-invariants-only'],
    ['GFDL-NIV-1.3+', 'GFDL-1.3-no-invariants-or-later'],
    ['BSD-2-clause', 'BSD-2-Clause'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['BSD-4-clause', 'BSD-4-Clause'],
    ['BSD-4-clause-UC', 'BSD-4-Clause-UC'],
    ['Apache-2', 'Apache-2.0'],
    ['Apache-2.0', 'Apache-2.0'],
    ['Expat', 'MIT'],
    ['GPL-9', undefined],
    ['GPL', undefined],
    ['LGPL', undefined],
    ['Artistic', undefined],
    ['public-domain', undefined],
    ['BSD-3-clause-foo', undefined],
  ];
  for (const [short, want] of table) {
    it(`${short} → ${want}`, () => assert.equal(dep5ToSpdx(short), want));
  }
});

describe('parseCopyrightLicenses', () => {
  it('real DEP-5 files from bookworm (testdata/rootfs-bookworm/usr/share/doc)', async () => {
    const read = (pkg: string) => readFile(join(DOC, pkg, 'copyright'), 'utf8');
    assert.deepEqual(parseCopyrightLicenses(await read('zlib1g')), ['Zlib']);
    assert.deepEqual(parseCopyrightLicenses(await read('libssl3')), [
      'Apache-2.0',
      'Artistic',
      'GPL-1.0-or-later',
    ]);
    assert.deepEqual(parseCopyrightLicenses(await read('bash')), [
      'GPL-3.0-or-later',
      'GPL-2.0-or-later',
      'GFDL-1.3-no-invariants-only',
      'Latex2e',
      'BSD-4-Clause-UC',
      'MIT',
      'permissive',
    ]);
  });

  it('free-form copyright files give no licenses', async () => {
    for (const pkg of ['base-files', 'gcc-12-base', 'libc6', 'python3-minimal']) {
      assert.deepEqual(parseCopyrightLicenses(await readFile(join(DOC, pkg, 'copyright'), 'utf8')), [], pkg);
    }
  });

  it('splits synopses, drops exceptions and license text on the License line', () => {
    const text = `${FORMAT}Upstream-Name: x\n\nFiles: *\nLicense: GPL-3+ with Bison exception\n\nFiles: a\nLicense: LGPL-3+ or GPL-2+\n\nFiles: b\nLicense: Permission is hereby granted, free of charge\n\nFiles: c\nLicense: BSD-3-clause and MIT, Zlib\nLicense: none\n`;
    assert.deepEqual(parseCopyrightLicenses(text), [
      'GPL-3.0-or-later',
      'LGPL-3.0-or-later',
      'GPL-2.0-or-later',
      'BSD-3-Clause',
      'MIT',
      'Zlib',
    ]);
  });

  it('needs Format in the first paragraph, in any position', () => {
    assert.deepEqual(parseCopyrightLicenses(`Upstream-Name: x\n${FORMAT}\nFiles: *\nLicense: MIT\n`), [
      'MIT',
    ]);
    assert.deepEqual(parseCopyrightLicenses(`Upstream-Name: x\n\n${FORMAT}Files: *\nLicense: MIT\n`), []);
    assert.deepEqual(parseCopyrightLicenses(''), []);
    assert.deepEqual(parseCopyrightLicenses('\0\0\0'), []);
  });
});
