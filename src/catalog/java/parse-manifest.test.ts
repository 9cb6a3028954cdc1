import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { parseManifest } from './parse-manifest.js';

const real = (stem: string) =>
  readFile(new URL(`./testdata/real/${stem}/MANIFEST.MF`, import.meta.url), 'utf8');

describe('parseManifest', () => {
  it('reads a real manifest with wrapped lines (commons-lang3 3.12.0, Debian)', async () => {
    const m = parseManifest(await real('commons-lang3-3.12.0'));
    assert.equal(m.get('implementation-version'), '3.12.0');
    assert.equal(m.get('bundle-symbolicname'), 'org.apache.commons.lang3');
    assert.match(m.get('bundle-description')!, /utility classes for the {2}classes that are in java\.lang's/);
    assert.ok(m.get('export-package')!.endsWith('org.apache.commons.lang3.tuple;version="3.12.0"'));
  });

  it('reads a manifest-only OSGi bundle (guice-assistedinject 4.2.3, Debian)', async () => {
    const m = parseManifest(await real('guice-assistedinject-4.2.3'));
    assert.equal(m.get('bundle-version'), '4.2.3');
    assert.equal(m.get('implementation-version'), undefined);
  });

  // JAR File Specification, "JAR Manifest": line endings, continuation, sections, case.
  const table: Array<[string, string, Record<string, string>]> = [
    [
      'CRLF',
      'Manifest-Version: 1.0\r\nImplementation-Version: 2.1\r\n',
      { 'manifest-version': '1.0', 'implementation-version': '2.1' },
    ],
    ['bare CR', 'A: 1\rB: 2\r', { a: '1', b: '2' }],
    [
      'continuation',
      'Implementation-Title: very-long-\n name\n',
      { 'implementation-title': 'very-long-name' },
    ],
    ['continuation keeps inner spaces', 'X: a\n  b\n', { x: 'a b' }],
    ['main section ends at a blank line', 'A: 1\n\nName: foo/\nA: 2\n', { a: '1' }],
    ['keys are case-insensitive', 'implementation-VERSION: 3\n', { 'implementation-version': '3' }],
    ['junk lines are skipped', 'garbage\n continued junk\nA: 1\n', { a: '1' }],
    ['leading blank lines', '\n\nA: 1\n', { a: '1' }],
    ['empty', '', {}],
  ];
  for (const [what, text, want] of table) {
    it(what, () => assert.deepEqual(Object.fromEntries(parseManifest(text)), want));
  }
});
