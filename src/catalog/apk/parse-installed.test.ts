import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnknownList } from '../internal/unknown-list.js';
import { apkLicenses } from './package.js';
import { MAX_LINE_CHARS, MAX_RECORDS, parseApkInstalled } from './parse-installed.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const PATH = '/lib/apk/db/installed';

function parse(text: string) {
  const unknowns = new UnknownList(PATH, 'CATALOG_APK_TOO_MANY_PROBLEMS');
  const entries = parseApkInstalled(text, PATH, unknowns);
  return { entries, unknowns: unknowns.toArray() };
}
const parseFixture = async (name: string) => parse(await readFile(join(TESTDATA, name), 'utf8'));
const codes = (u: { code: string }[]) => u.map((x) => x.code);

describe('parseApkInstalled: Alpine 3.20 database (testdata/rootfs-alpine/lib/apk/db/installed)', () => {
  it('reads every record: name, version, arch, origin, license', async () => {
    const { entries, unknowns } = await parseFixture('rootfs-alpine/lib/apk/db/installed');
    assert.deepEqual(unknowns, []);
    assert.deepEqual(
      entries.map((e) => [e.name, e.version, e.architecture, e.origin].join(' ')),
      [
        'musl 1.2.5-r0 x86_64 musl',
        'busybox 1.36.1-r29 x86_64 busybox',
        'busybox-binsh 1.36.1-r29 x86_64 busybox',
        'alpine-baselayout-data 3.6.5-r0 x86_64 alpine-baselayout',
        'alpine-baselayout 3.6.5-r0 x86_64 alpine-baselayout',
        'alpine-keys 2.4-r1 x86_64 alpine-keys',
        'ca-certificates-bundle 20240705-r0 x86_64 ca-certificates',
        'libcrypto3 3.3.2-r0 x86_64 openssl',
        'libssl3 3.3.2-r0 x86_64 openssl',
        'ssl_client 1.36.1-r29 x86_64 busybox',
        'zlib 1.3.1-r1 x86_64 zlib',
        'apk-tools 2.14.4-r1 x86_64 apk-tools',
        'scanelf 1.3.7-r2 x86_64 pax-utils',
        'musl-utils 1.2.5-r0 x86_64 musl',
      ],
    );
  });

  it('files are F: + R:, dependencies and provides lose their constraints', async () => {
    const { entries } = await parseFixture('rootfs-alpine/lib/apk/db/installed');
    const get = (name: string) => entries.find((e) => e.name === name)!;
    assert.deepEqual(get('musl').files, ['/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1']);
    assert.deepEqual(get('musl').provides, ['so:libc.musl-x86_64.so.1']);
    assert.deepEqual(get('busybox-binsh').provides, ['/bin/sh', 'cmd:sh']);
    assert.deepEqual(get('apk-tools').depends, [
      'musl',
      'ca-certificates-bundle',
      'so:libc.musl-x86_64.so.1',
      'so:libcrypto.so.3',
      'so:libssl.so.3',
      'so:libz.so.1',
    ]);
    assert.ok(get('busybox').files.includes('/usr/share/udhcpc/default.script'));
    assert.equal(get('busybox').maintainer, 'Sören Tempel <soeren+alpine@soeren-tempel.net>');
    assert.equal(get('musl-utils').license, 'MIT AND BSD-2-Clause AND GPL-2.0-or-later');
  });
});

describe('parseApkInstalled: damaged input', () => {
  it('corrupt: defects reported by line, good records kept', async () => {
    const { entries, unknowns } = await parseFixture('installed/corrupt');
    assert.deepEqual(
      entries.map((e) => e.name),
      ['musl', 'zlib', 'odd-version', 'libssl3', 'libcrypto3'],
    );
    assert.deepEqual(codes(unknowns), [
      'CATALOG_APK_LINE_INVALID', // junk before the first record
      'CATALOG_APK_RECORD_INCOMPLETE', // no-version
      'CATALOG_APK_RECORD_INCOMPLETE', // no P:
      'CATALOG_APK_NAME_INVALID', // bad/name
      'CATALOG_APK_LINE_INVALID', // zlib: "not a field line"
      'CATALOG_APK_LINE_INVALID', // zlib: "LONGKEY:value"
      'CATALOG_APK_VERSION_INVALID', // odd-version (kept)
      'CATALOG_APK_RECORD_UNTERMINATED', // libcrypto3 right after libssl3
    ]);
    for (const u of unknowns) assert.match(u.message, /^\/lib\/apk\/db\/installed line \d+/);
    // the record after the missing blank line does not inherit the previous one's files
    assert.deepEqual(entries.find((e) => e.name === 'libssl3')!.files, ['/usr/lib/libssl.so.3']);
  });

  it('truncated: the cut record is reported, the ones before it are kept', async () => {
    const { entries, unknowns } = await parseFixture('installed/truncated');
    assert.deepEqual(
      entries.map((e) => e.name),
      ['musl', 'busybox'],
    );
    assert.deepEqual(codes(unknowns), ['CATALOG_APK_DB_TRUNCATED', 'CATALOG_APK_DB_TRUNCATED']);
  });

  it('empty: one Unknown, no packages', async () => {
    const { entries, unknowns } = await parseFixture('installed/empty');
    assert.deepEqual(entries, []);
    assert.deepEqual(codes(unknowns), ['CATALOG_APK_DB_EMPTY']);
  });

  it('single record without a trailing blank line is complete', async () => {
    const text = (await readFile(join(TESTDATA, 'installed/single'), 'utf8')).trimEnd() + '\n';
    const { entries, unknowns } = parse(text);
    assert.deepEqual(unknowns, []);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['musl'],
    );
  });
});

describe('parseApkInstalled: very large input', () => {
  const record = (i: number) => `P:p${i}\nV:1.${i}-r0\nA:x86_64\nF:usr/lib\nR:libp${i}.so\n\n`;

  it(`stops after ${MAX_RECORDS} records with an Unknown`, () => {
    const text = Array.from({ length: MAX_RECORDS + 3 }, (_, i) => record(i)).join('');
    const { entries, unknowns } = parse(text);
    assert.equal(entries.length, MAX_RECORDS);
    assert.deepEqual(codes(unknowns), ['CATALOG_APK_TOO_MANY_PACKAGES']);
  });

  it('an over-long line is skipped, its record kept', () => {
    const text = `P:a\nV:1.0-r0\nT:${'x'.repeat(MAX_LINE_CHARS + 1)}\n\n${record(2)}`;
    const { entries, unknowns } = parse(text);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['a', 'p2'],
    );
    assert.deepEqual(codes(unknowns), ['CATALOG_APK_LINE_TOO_LONG']);
  });
});

describe('apkLicenses', () => {
  // L: values as aports write them: SPDX expressions now, space-separated lists in old releases
  const table: Array<[string | undefined, string[]]> = [
    ['MIT', ['MIT']],
    ['MPL-2.0 AND MIT', ['MPL-2.0 AND MIT']],
    ['( Apache-2.0 OR MIT ) AND MPL-2.0', ['( Apache-2.0 OR MIT ) AND MPL-2.0']],
    ['MIT BSD GPL2+', ['MIT', 'BSD', 'GPL-2.0-or-later']],
    ['GPL-2.0-only', ['GPL-2.0-only']],
    ['', []],
    [undefined, []],
  ];
  for (const [value, want] of table) {
    it(JSON.stringify(value), () => assert.deepEqual(apkLicenses(value), want));
  }
});
