import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UnknownList } from '../internal/unknown-list.js';
import {
  MAX_FIELD_CHARS,
  MAX_LINE_CHARS,
  MAX_STANZAS,
  parseDpkgStatus,
  parseRelationField,
  type DpkgEntry,
} from './parse-status.js';

const TESTDATA = join(import.meta.dirname, 'testdata', 'status');
const PATH = '/var/lib/dpkg/status';

function parse(text: string, statusRequired = true) {
  const unknowns = new UnknownList(PATH, 'CATALOG_DPKG_TOO_MANY_PROBLEMS');
  const entries = parseDpkgStatus(text, PATH, { statusRequired }, unknowns);
  return { entries, unknowns: unknowns.toArray() };
}

async function parseFixture(name: string) {
  return parse(await readFile(join(TESTDATA, name), 'utf8'));
}

const row = (e: DpkgEntry) => [e.name, e.version, e.architecture, e.source.name, e.source.version].join(' ');
const codes = (u: { code: string }[]) => u.map((x) => x.code);

describe('parseDpkgStatus: real bookworm status (testdata/status/bookworm-minbase)', () => {
  it('reads every stanza with dpkg-query source semantics', async () => {
    const { entries, unknowns } = await parseFixture('bookworm-minbase');
    assert.deepEqual(unknowns, []);
    // expected values: `dpkg-query -W -f='${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}'`
    // run over the debootstrap rootfs this excerpt was copied from
    assert.deepEqual(entries.map(row), [
      'adduser 3.134 all adduser 3.134',
      'apt 2.6.1 amd64 apt 2.6.1',
      'base-files 12.4+deb12u15 amd64 base-files 12.4+deb12u15',
      'bash 5.2.15-2+b13 amd64 bash 5.2.15-2',
      'debconf 1.5.82 all debconf 1.5.82',
      'dpkg 1.21.23 amd64 dpkg 1.21.23',
      'gcc-12-base 12.2.0-14+deb12u1 amd64 gcc-12 12.2.0-14+deb12u1',
      'libc6 2.36-9+deb12u14 amd64 glibc 2.36-9+deb12u14',
      'libgcc-s1 12.2.0-14+deb12u1 amd64 gcc-12 12.2.0-14+deb12u1',
      'libstdc++6 12.2.0-14+deb12u1 amd64 gcc-12 12.2.0-14+deb12u1',
      'tzdata 2026b-0+deb12u1 all tzdata 2026b-0+deb12u1',
      'zlib1g 1:1.2.13.dfsg-1 amd64 zlib 1:1.2.13.dfsg-1',
    ]);
  });

  it('keeps Multi-Arch, Maintainer, dependencies (Pre-Depends first) and provides', async () => {
    const { entries } = await parseFixture('bookworm-minbase');
    const bash = entries.find((e) => e.name === 'bash')!;
    assert.equal(bash.multiArch, 'foreign');
    assert.equal(bash.maintainer, 'Matthias Klose <doko@debian.org>');
    assert.deepEqual(bash.depends, [['libc6'], ['libtinfo6'], ['base-files'], ['debianutils']]);
    const apt = entries.find((e) => e.name === 'apt')!;
    assert.deepEqual(apt.depends[1], ['gpgv', 'gpgv2', 'gpgv1']);
    assert.deepEqual(apt.provides, ['apt-transport-https']);
    assert.equal(entries.find((e) => e.name === 'libc6')!.multiArch, 'same');
  });
});

describe('parseDpkgStatus: package states (testdata/status/states)', () => {
  it('keeps packages whose files are on disk, whatever the want flag says', async () => {
    const { entries, unknowns } = await parseFixture('states');
    assert.deepEqual(unknowns, []);
    // dropped: hostname (deinstall ok config-files), sed (purge ok not-installed)
    assert.deepEqual(
      entries.map((e) => e.name),
      ['bash', 'gzip', 'grep', 'tar', 'mount', 'ncurses-bin', 'login', 'passwd'],
    );
  });

  it('status.d stanzas have no Status field and are all installed', () => {
    const { entries, unknowns } = parse(
      'Package: libssl3\nVersion: 3.0.20-1~deb12u2\nArchitecture: amd64\nSource: openssl\n',
      false,
    );
    assert.deepEqual(unknowns, []);
    assert.deepEqual(entries.map(row), ['libssl3 3.0.20-1~deb12u2 amd64 openssl 3.0.20-1~deb12u2']);
  });

  it('a status-file stanza without Status is reported and kept', () => {
    const { entries, unknowns } = parse('Package: a\nVersion: 1\n');
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_STATUS_INVALID']);
    assert.equal(entries.length, 1);
  });
});

describe('parseDpkgStatus: damaged input', () => {
  it('corrupt: reports each defect with its line and keeps the good packages', async () => {
    const { entries, unknowns } = await parseFixture('corrupt');
    assert.deepEqual(
      entries.map((e) => e.name),
      ['base-files', 'gzip', 'weird-status', 'bad-version'],
    );
    assert.deepEqual(codes(unknowns), [
      'CATALOG_DPKG_LINE_INVALID', // junk before any stanza
      'CATALOG_DPKG_LINE_INVALID', // continuation with no field
      'CATALOG_DPKG_STANZA_INCOMPLETE', // no-version-here
      'CATALOG_DPKG_STANZA_INCOMPLETE', // no Package
      'CATALOG_DPKG_NAME_INVALID', // bad/name
      'CATALOG_DPKG_FIELD_DUPLICATE', // gzip: Status twice
      'CATALOG_DPKG_LINE_INVALID', // gzip: junk inside the stanza
      'CATALOG_DPKG_STATUS_INVALID', // weird-status
      'CATALOG_DPKG_SOURCE_INVALID', // weird-status: `Source: (broken`
      'CATALOG_DPKG_VERSION_INVALID', // bad-version
    ]);
    for (const u of unknowns) {
      assert.equal(u.path, PATH);
      assert.match(u.message, /^\/var\/lib\/dpkg\/status line \d+/);
    }
    assert.deepEqual(entries.find((e) => e.name === 'weird-status')!.source, {
      name: 'weird-status',
      version: '2.0',
    });
  });

  it('truncated: the cut stanza is reported, the ones before it are kept', async () => {
    const { entries, unknowns } = await parseFixture('truncated');
    assert.deepEqual(
      entries.map((e) => e.name),
      ['adduser', 'apt', 'base-files'],
    );
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_STATUS_TRUNCATED', 'CATALOG_DPKG_STATUS_TRUNCATED']);
    assert.match(unknowns[1]!.message, /package bash has no Version/);
  });

  it('empty: one Unknown, no packages', async () => {
    const { entries, unknowns } = await parseFixture('empty');
    assert.deepEqual(entries, []);
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_STATUS_EMPTY']);
  });

  it('binary junk: bounded Unknowns, no throw', () => {
    const junk = Buffer.alloc(64 * 1024, 0)
      .fill('\x00\xff\n')
      .toString('latin1');
    const { entries, unknowns } = parse(junk);
    assert.deepEqual(entries, []);
    assert.ok(unknowns.length <= 51, `${unknowns.length} unknowns`);
    assert.equal(unknowns.at(-1)!.code, 'CATALOG_DPKG_TOO_MANY_PROBLEMS');
  });

  it('CRLF line endings are read like LF', () => {
    const { entries, unknowns } = parse(
      'Package: a\r\nStatus: install ok installed\r\nVersion: 1.0-1\r\n\r\n',
    );
    assert.deepEqual(unknowns, []);
    assert.deepEqual(
      entries.map((e) => e.version),
      ['1.0-1'],
    );
  });
});

describe('parseDpkgStatus: very large input', () => {
  const stanza = (i: number) =>
    `Package: p${i}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.${i}\n\n`;

  it(`stops after ${MAX_STANZAS} stanzas with an Unknown`, () => {
    const text = Array.from({ length: MAX_STANZAS + 5 }, (_, i) => stanza(i)).join('');
    const started = performance.now();
    const { entries, unknowns } = parse(text);
    const ms = performance.now() - started;
    assert.equal(entries.length, MAX_STANZAS);
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_TOO_MANY_PACKAGES']);
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  it('an over-long line drops its field only', () => {
    const huge = `Description: ${'x'.repeat(MAX_LINE_CHARS + 10)}\n`;
    const { entries, unknowns } = parse(`${stanza(1).trimEnd()}\n${huge}\n${stanza(2)}`);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['p1', 'p2'],
    );
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_LINE_TOO_LONG']);
  });

  it('an over-long kept field is dropped (here Provides)', () => {
    const line = ` ${'v'.repeat(64 * 1024)}\n`;
    const provides = `Provides: a\n${line.repeat(Math.ceil(MAX_FIELD_CHARS / line.length) + 1)}`;
    const { entries, unknowns } = parse(`${stanza(1).trimEnd()}\n${provides}\n`);
    assert.deepEqual(codes(unknowns), ['CATALOG_DPKG_FIELD_TOO_LONG']);
    assert.deepEqual(entries[0]!.provides, []);
  });
});

describe('parseRelationField', () => {
  // Debian Policy §7.1 syntax: alternatives, version constraints, arch qualifiers
  const table: Array<[string, string[][]]> = [
    ['libc6 (>= 2.34)', [['libc6']]],
    ['libssl3 (>= 3.0.0), debconf (>= 0.5) | debconf-2.0', [['libssl3'], ['debconf', 'debconf-2.0']]],
    ['python3:any (>= 3.11~)', [['python3']]],
    ['awk', [['awk']]],
    ['libgcc1 (= 1:12.2.0-14+deb12u1)', [['libgcc1']]],
    ['', []],
    [' , ,', []],
  ];
  for (const [value, want] of table) {
    it(JSON.stringify(value), () => assert.deepEqual(parseRelationField(value), want));
  }
});
