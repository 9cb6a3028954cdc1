import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildOciLayout, type FileSpec, type LayerSpec } from '../../../test/helpers/build-image.js';
import { encodeNdbPackages } from '../../../test/helpers/rpmdb.js';
import { openImage } from '../../image/index.js';
import { defaultLimits } from '../../image/limits.js';
import type { Sbom } from '../../sbom/model.js';
import type { Cataloger } from '../cataloger.js';
import { catalogImage } from '../run.js';
import { rpmDb, RPMDB_PATHS } from './index.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const fixture = (name: string): Buffer => readFileSync(join(TESTDATA, name));
const HEADERS = readdirSync(join(TESTDATA, 'headers')).map((f) => ({
  hnum: Number(f.split('-')[0]),
  blob: readFileSync(join(TESTDATA, 'headers', f)),
}));
/** `rpm -qa` of the fixture databases (testdata/rpm-qa.txt): name, epochnum, version, release, arch, sourcerpm. */
const QA = fixture('rpm-qa.txt')
  .toString('utf8')
  .trim()
  .split('\n')
  .map((l) => l.split('\t'));
const NAMES = QA.map((f) => f[0]!).sort();

const ROCKY_9 =
  'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n';

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-rpm-cataloger-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

const dirs = (...paths: string[]): FileSpec[] => paths.map((path) => ({ path, type: 'dir' }));
const RPM_DIRS = dirs(
  '/etc',
  '/var',
  '/var/lib',
  '/var/lib/rpm',
  '/usr',
  '/usr/lib',
  '/usr/lib/sysimage',
  '/usr/lib/sysimage/rpm',
);
const osRelease: FileSpec = { path: '/etc/os-release', content: ROCKY_9 };

let seq = 0;
async function catalog(layers: LayerSpec[], catalogers: readonly Cataloger[] = [rpmDb]): Promise<Sbom> {
  const dir = join(work, `img${++seq}`);
  await buildOciLayout(dir, { layers });
  const limits = defaultLimits();
  const image = await openImage(`oci-layout:${dir}`, { limits });
  try {
    return await catalogImage(image, { limits, catalogers, now: new Date(0) });
  } finally {
    await image.close();
  }
}

describe('rpmDb.wants', () => {
  // testdata/glob-paths: empty files at every database path and at look-alikes that must not match.
  const WANTED = new Set([
    ...RPMDB_PATHS,
    '/var/lib/rpm/rpmdb.sqlite-wal',
    '/usr/lib/sysimage/rpm/rpmdb.sqlite-wal',
  ]);
  const root = join(TESTDATA, 'glob-paths');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `/${relative(root, join(e.parentPath, e.name))}`);

  it('covers every path it wants in the glob-paths tree', () => {
    for (const p of WANTED) assert.ok(files.includes(p), `testdata/glob-paths lacks ${p}`);
  });
  for (const path of files.sort()) {
    it(`${WANTED.has(path) ? 'wants' : 'ignores'} ${path}`, () =>
      assert.equal(rpmDb.wants(path), WANTED.has(path)));
  }
});

describe('rpmDb in an image', () => {
  const backends: [string, string, Buffer][] = [
    ['SQLite', '/var/lib/rpm/rpmdb.sqlite', fixture('rpmdb.sqlite')],
    ['BerkeleyDB', '/var/lib/rpm/Packages', fixture('Packages')],
    ['NDB', '/usr/lib/sysimage/rpm/Packages.db', fixture('Packages.db')],
  ];
  for (const [backend, path, content] of backends) {
    it(`lists every package of a ${backend} rpmdb with rpm's facts`, async () => {
      const sbom = await catalog([{ files: [...RPM_DIRS, osRelease, { path, content }] }]);
      assert.deepEqual(sbom.unknowns, []);
      const got = sbom.packages.map((p) => {
        const q = new URLSearchParams(p.purl.split('?')[1]);
        return [
          p.name,
          q.get('epoch') ?? '0',
          p.version.replace(/^\d+:/, '').replace(/-[^-]+$/, ''),
          p.version.replace(/.*-/, ''),
          p.arch,
          q.get('upstream'),
        ];
      });
      assert.deepEqual(got.sort(), [...QA].sort());
      for (const p of sbom.packages) {
        assert.equal(p.type, 'rpm');
        assert.equal(p.foundBy, 'rpm-db');
        assert.deepEqual(p.locations, [{ path, layerIndex: 0 }]);
        assert.match(p.purl, new RegExp(`^pkg:rpm/rocky/${p.name}@.*distro=rocky-9\\.3`));
      }
    });
  }

  it('reports the package facts', async () => {
    const sbom = await catalog([
      {
        files: [
          ...RPM_DIRS,
          osRelease,
          { path: '/var/lib/rpm/rpmdb.sqlite', content: fixture('rpmdb.sqlite') },
        ],
      },
    ]);
    const hello = sbom.packages.find((p) => p.name === 'corral-hello')!;
    assert.equal(hello.version, '2:1.2.3-4.el9');
    assert.deepEqual(hello.source, { name: 'corral-hello', version: '1.2.3-4.el9' });
    assert.deepEqual(hello.licenses, ['MIT AND Apache-2.0']);
    assert.equal(hello.properties?.['corral:rpm:vendor'], 'Rocky Enterprise Software Foundation');
    const lib = sbom.packages.find((p) => p.name === 'corral-lib')!;
    assert.equal(lib.version, '0.9-1.module+el9.1.0+123+abcdef');
    assert.equal(lib.properties?.['corral:rpm:modularitylabel'], 'corral:1.0:9010020240101:abcdef');
    assert.equal(sbom.packages.find((p) => p.name === 'corral-zero')!.version, '0:3.0~rc1-2');
  });

  it('reads the database rpm would use when both dbpaths hold one', async () => {
    const sbom = await catalog([
      { files: [...RPM_DIRS, osRelease, { path: '/var/lib/rpm/Packages', content: fixture('Packages') }] },
      { files: [{ path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', content: fixture('rpmdb.sqlite') }] },
    ]);
    assert.deepEqual(sbom.packages.map((p) => p.name).sort(), NAMES);
    for (const p of sbom.packages)
      assert.deepEqual(p.locations, [{ path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', layerIndex: 1 }]);
  });

  it('prefers SQLite over a leftover BerkeleyDB in the same directory and layer (rpm autodetection order)', async () => {
    const sbom = await catalog([
      {
        files: [
          ...RPM_DIRS,
          { path: '/var/lib/rpm/Packages', content: fixture('Packages') },
          { path: '/var/lib/rpm/rpmdb.sqlite', content: fixture('rpmdb.sqlite') },
        ],
      },
    ]);
    assert.equal(sbom.packages.length, NAMES.length);
    assert.ok(sbom.packages.every((p) => p.locations[0]!.path === '/var/lib/rpm/rpmdb.sqlite'));
  });

  it('reads a database once when /var/lib/rpm links to /usr/lib/sysimage/rpm', async () => {
    const sbom = await catalog([
      {
        files: [
          ...dirs(
            '/etc',
            '/var',
            '/var/lib',
            '/usr',
            '/usr/lib',
            '/usr/lib/sysimage',
            '/usr/lib/sysimage/rpm',
          ),
          osRelease,
          { path: '/var/lib/rpm', type: 'symlink', target: '../../usr/lib/sysimage/rpm' },
          { path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', content: fixture('rpmdb.sqlite') },
        ],
      },
    ]);
    assert.deepEqual(sbom.packages.map((p) => p.name).sort(), NAMES);
  });

  it('applies a -wal written with the database, not one older than it', async () => {
    // rpm keeps the database in WAL mode; an interrupted rpm leaves committed transactions in the log.
    const file = join(work, 'wal.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('INSERT INTO Packages (hnum, blob) VALUES (?, ?)').run(HEADERS[0]!.hnum, HEADERS[0]!.blob);
    const [main, wal] = [readFileSync(file), readFileSync(`${file}-wal`)];
    db.close();
    const dbFile: FileSpec = { path: '/var/lib/rpm/rpmdb.sqlite', content: main };
    const walFile: FileSpec = { path: '/var/lib/rpm/rpmdb.sqlite-wal', content: wal };
    const same = await catalog([{ files: [...RPM_DIRS, osRelease, dbFile, walFile] }]);
    assert.deepEqual(same.unknowns, []);
    assert.equal(same.packages.length, 1);
    const stale = await catalog([{ files: [...RPM_DIRS, osRelease, walFile] }, { files: [dbFile] }]);
    assert.deepEqual(stale.packages, []);
  });

  it('uses the vendor as namespace when the distro is unknown', async () => {
    const sbom = await catalog([
      { files: [...RPM_DIRS, { path: '/var/lib/rpm/Packages.db', content: fixture('Packages.db') }] },
    ]);
    const hello = sbom.packages.find((p) => p.name === 'corral-hello')!;
    assert.equal(
      hello.purl,
      'pkg:rpm/rocky/corral-hello@1.2.3-4.el9?arch=noarch&epoch=2&upstream=corral-hello-1.2.3-4.el9.src.rpm',
    );
    assert.match(sbom.packages.find((p) => p.name === 'corral-lib')!.purl, /^pkg:rpm\/corral-lib@/);
  });

  it('folds a language package into the rpm that installed its files', async () => {
    // A stand-in language cataloger (the real ones live in their own folders): one pypi package per METADATA.
    const metadata = '/usr/lib/python3.9/site-packages/corral_hello-1.2.3.dist-info/METADATA';
    const python: Cataloger = {
      id: 'test-python',
      version: 1,
      tags: ['language', 'pypi'],
      wants: (p) => p.endsWith('.dist-info/METADATA'),
      catalog: async (file) => ({
        packages: [
          {
            name: 'corral-hello',
            version: '1.2.3',
            type: 'pypi',
            purl: 'pkg:pypi/corral-hello@1.2.3',
            licenses: [],
            locations: [{ path: file.path, layerIndex: -1 }],
            cpes: [],
            foundBy: 'test-python',
          },
        ],
        relationships: [],
        unknowns: [],
      }),
    };
    const sbom = await catalog(
      [
        {
          files: [
            ...RPM_DIRS,
            osRelease,
            { path: '/var/lib/rpm/rpmdb.sqlite', content: fixture('rpmdb.sqlite') },
            { path: metadata, content: 'Name: corral-hello\n' },
          ],
        },
      ],
      [rpmDb, python],
    );
    assert.equal(sbom.packages.filter((p) => p.type === 'pypi').length, 0);
    const hello = sbom.packages.find((p) => p.name === 'corral-hello')!;
    assert.equal(hello.properties?.['corral:upstream:purl'], 'pkg:pypi/corral-hello@1.2.3');
  });
});

describe('rpmDb on damaged databases', () => {
  it('reports a corrupt header with the file and record number, and lists the other packages', async () => {
    const [victim, ...rest] = HEADERS;
    const bad = Buffer.from(victim!.blob);
    bad.writeUInt32BE(0xffff, 0); // il: index count no longer matches the blob
    const db = encodeNdbPackages([{ hnum: victim!.hnum, blob: bad }, ...rest]);
    const sbom = await catalog([
      { files: [...RPM_DIRS, osRelease, { path: '/var/lib/rpm/Packages.db', content: db }] },
    ]);
    assert.equal(sbom.packages.length, HEADERS.length - 1);
    assert.equal(sbom.unknowns.length, 1);
    const u = sbom.unknowns[0]!;
    assert.equal(u.code, 'CATALOG_RPM_HEADER_CORRUPT');
    assert.equal(u.path, '/var/lib/rpm/Packages.db');
    assert.equal(u.cataloger, 'rpm-db');
    assert.equal(u.layerIndex, 0);
    assert.match(u.message, new RegExp(`^/var/lib/rpm/Packages.db: record ${victim!.hnum}: `));
  });

  const damaged: [string, string, Buffer][] = [
    ['an empty SQLite file', '/var/lib/rpm/rpmdb.sqlite', Buffer.alloc(0)],
    ['a truncated SQLite file', '/var/lib/rpm/rpmdb.sqlite', fixture('rpmdb.sqlite').subarray(0, 5000)],
    ['a truncated BerkeleyDB', '/var/lib/rpm/Packages', fixture('Packages').subarray(0, 3 * 4096 + 17)],
    ['a truncated NDB', '/var/lib/rpm/Packages.db', fixture('Packages.db').subarray(0, 4096 + 100)],
    ['random bytes', '/var/lib/rpm/Packages', Buffer.alloc(8192, 0x5a)],
  ];
  for (const [what, path, content] of damaged) {
    it(`turns ${what} into Unknowns without throwing`, async () => {
      const sbom = await catalog([{ files: [...RPM_DIRS, osRelease, { path, content }] }]);
      assert.ok(sbom.unknowns.length > 0);
      for (const u of sbom.unknowns) {
        assert.match(u.code, /^CATALOG_RPM_/);
        assert.equal(u.path, path);
      }
    });
  }

  it('caps the Unknowns of a wrecked database', async () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ hnum: i + 1, blob: Buffer.from('not a header') }));
    const sbom = await catalog([
      { files: [...RPM_DIRS, { path: '/var/lib/rpm/Packages.db', content: encodeNdbPackages(many) }] },
    ]);
    assert.equal(sbom.unknowns.length, 51);
    assert.match(sbom.unknowns[50]!.message, /250 more problems/);
  });
});
