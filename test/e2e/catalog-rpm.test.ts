/**
 * Acceptance for the rpm cataloger (issue 3): real rpm databases made in the test run with Debian's
 * rpm 4.18 and BerkeleyDB 5.3 tools, checked against rpm itself.
 *
 * - SQLite: tiny noarch packages built with rpmbuild and installed with `rpm --root DIR --nodeps -i`;
 *   our reader must list exactly what `rpm -qa --root DIR` lists.
 * - BerkeleyDB: Debian's rpm cannot write it, so the same real header blobs are loaded into a hash
 *   `Packages` with `db5.3_load` (several page sizes and byte orders); `rpm --define '_db_backend bdb_ro'`
 *   must list them, and so must we.
 * - NDB: Debian's rpm has no NDB backend; a writer following rpm's rpmpkg.c (test/helpers/rpmdb.ts)
 *   stores the blobs, and our reader must return each one byte for byte.
 * - An image whose layers hold the rpmdb after each of three rpm transactions: packages and the layer
 *   that introduced each, as rpm reports them for the final database.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openImage } from '../../src/image/index.js';
import { defaultLimits } from '../../src/image/limits.js';
import type { DbItem, HeaderRecord } from '../../src/catalog/rpm/db-record.js';
import { rpmDb } from '../../src/catalog/rpm/index.js';
import { parseHeader } from '../../src/catalog/rpm/parse-header.js';
import { readBdb } from '../../src/catalog/rpm/read-bdb.js';
import { readNdb } from '../../src/catalog/rpm/read-ndb.js';
import { readSqlite } from '../../src/catalog/rpm/read-sqlite.js';
import { catalogImage } from '../../src/catalog/run.js';
import type { Package } from '../../src/catalog/model.js';
import { buildOciLayout, type FileSpec } from '../helpers/build-image.js';
import {
  buildRpms,
  defaultBackend,
  encodeNdbPackages,
  eraseRpms,
  type HeaderBlob,
  installRpms,
  queryInstalled,
  requireRpmTools,
  RPM_DBPATH,
  sqliteHeaderBlobs,
  TEST_PACKAGES,
  writeBdbPackages,
} from '../helpers/rpmdb.js';

const ROCKY_9 =
  'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPLATFORM_ID="platform:el9"\n';

let work: string;
let ready = false;
/** The rpmdb.sqlite bytes after each transaction, and what rpm -qa said then. */
const states: { db: Buffer; qa: string[] }[] = [];
/** Header blobs of the database holding every test package. */
let allBlobs: HeaderBlob[];
let allQa: string[];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'corral-e2e-rpm-'));
  ready = await requireRpmTools(undefined);
  if (!ready) return;
  const rpms = await buildRpms(work, TEST_PACKAGES);
  const byName = new Map(TEST_PACKAGES.map((s, i) => [s.name, rpms[i]!]));
  const root = join(work, 'root');
  const snapshot = async (): Promise<void> => {
    states.push({
      db: await readFile(join(root, RPM_DBPATH, 'rpmdb.sqlite')),
      qa: await queryInstalled(root),
    });
  };
  await installRpms(root, [byName.get('corral-hello')!, byName.get('corral-lib')!]);
  await snapshot();
  await installRpms(root, [byName.get('corral-zero')!, byName.get('corral-many')!]);
  await snapshot();
  allBlobs = sqliteHeaderBlobs(join(root, RPM_DBPATH, 'rpmdb.sqlite'));
  allQa = states[1]!.qa;
  await eraseRpms(root, ['corral-lib']);
  await snapshot();
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Our reading of a database in `rpm -qa --qf QA_FORMAT` form, sorted, plus the raw records. */
function asQa(items: DbItem[]): { qa: string[]; records: HeaderRecord[] } {
  const records: HeaderRecord[] = [];
  for (const item of items) {
    assert.equal(item.kind, 'record', JSON.stringify(item));
    if (item.kind === 'record') records.push(item);
  }
  const qa = records.map((r) => {
    const p = parseHeader(r.blob);
    assert.ok(p.ok, p.ok ? '' : p.reason);
    const h = p.header;
    return [h.name, h.epoch ?? 0, h.version, h.release, h.arch, h.sourceRpm].join('\t');
  });
  return { qa: qa.sort(), records };
}

async function collect(gen: AsyncIterable<DbItem> | Iterable<DbItem>): Promise<DbItem[]> {
  const out: DbItem[] = [];
  for await (const item of gen) out.push(item);
  return out;
}

function assertSameBlobs(records: HeaderRecord[], blobs: readonly HeaderBlob[]): void {
  const got = new Map(records.map((r) => [r.recordNumber, r.blob]));
  assert.deepEqual([...got.keys()].sort(), blobs.map((b) => b.hnum).sort());
  for (const b of blobs) assert.ok(got.get(b.hnum)!.equals(b.blob), `record ${b.hnum} differs`);
}

describe('rpm cataloger against Debian rpm 4.18', () => {
  it('reads the SQLite rpmdb exactly as rpm -qa lists it', async (t) => {
    if (!(await requireRpmTools(t))) return;
    assert.equal(await defaultBackend(), 'sqlite');
    assert.equal(allQa.length, TEST_PACKAGES.length);
    for (const state of states) assert.deepEqual(asQa(await collect(readSqlite(state.db))).qa, state.qa);
  });

  const bdbVariants = [
    { label: '4 KiB pages (headers on overflow pages)', pageSize: 4096, bigEndian: false },
    { label: '64 KiB pages (small headers inline)', pageSize: 65536, bigEndian: false },
    { label: 'big-endian', pageSize: 4096, bigEndian: true },
    { label: '512-byte pages, no instance counter', pageSize: 512, bigEndian: false, counter: false },
  ];
  for (const v of bdbVariants) {
    it(`reads a BerkeleyDB Packages (${v.label}) as rpm's bdb_ro does`, async (t) => {
      if (!(await requireRpmTools(t))) return;
      const root = join(work, `bdb-${v.pageSize}-${v.bigEndian}`);
      await mkdir(join(root, RPM_DBPATH), { recursive: true });
      const file = join(root, RPM_DBPATH, 'Packages');
      await writeBdbPackages(file, allBlobs, v);
      assert.deepEqual(
        await queryInstalled(root, 'bdb_ro'),
        allQa,
        'rpm bdb_ro disagrees with the SQLite rpmdb',
      );
      const { qa, records } = asQa([...readBdb(await readFile(file))]);
      assert.deepEqual(qa, allQa);
      assertSameBlobs(records, allBlobs);
    });
  }

  it('reads a BerkeleyDB Packages with page checksums (which rpm 4.18 bdb_ro cannot)', async (t) => {
    if (!(await requireRpmTools(t))) return;
    const file = join(work, 'Packages-chksum');
    await writeBdbPackages(file, allBlobs, { checksum: true });
    const { qa, records } = asQa([...readBdb(await readFile(file))]);
    assert.deepEqual(qa, allQa);
    assertSameBlobs(records, allBlobs);
  });

  it('round-trips every blob through NDB Packages.db byte for byte', async (t) => {
    if (!(await requireRpmTools(t))) return;
    for (const opts of [{}, { holes: true }, { slotPages: 2 }]) {
      const { qa, records } = asQa([...readNdb(encodeNdbPackages(allBlobs, opts))]);
      assert.deepEqual(qa, allQa);
      assertSameBlobs(records, allBlobs);
    }
  });

  it('skips a damaged header like rpm does, and reports it with the file and record number', async (t) => {
    if (!(await requireRpmTools(t))) return;
    const root = join(work, 'damaged');
    const file = join(root, RPM_DBPATH, 'rpmdb.sqlite');
    await mkdir(join(root, RPM_DBPATH), { recursive: true });
    await writeFile(file, states[1]!.db);
    const victim = allBlobs[1]!.hnum;
    const db = new Database(file);
    db.prepare('UPDATE Packages SET blob = substr(blob, 1, 100) WHERE hnum = ?').run(victim);
    db.close();
    const rpmSays = await queryInstalled(root);
    assert.equal(rpmSays.length, allQa.length - 1);
    const items = await collect(readSqlite(await readFile(file)));
    const ok = items.filter((i) => i.kind === 'record' && parseHeader(i.blob).ok);
    assert.deepEqual(asQa(ok).qa, rpmSays);
    const image = await imageOf([[{ path: '/var/lib/rpm/rpmdb.sqlite', content: await readFile(file) }]]);
    assert.deepEqual(
      image.unknowns.map((u) => [u.code, u.path]),
      [['CATALOG_RPM_HEADER_CORRUPT', '/var/lib/rpm/rpmdb.sqlite']],
    );
    assert.match(image.unknowns[0]!.message, new RegExp(`record ${victim}:`));
  });

  it('catalogues an image layer by layer: packages and the layer that introduced each', async (t) => {
    if (!(await requireRpmTools(t))) return;
    const sbom = await imageOf(states.map((s) => [{ path: '/var/lib/rpm/rpmdb.sqlite', content: s.db }]));
    assert.deepEqual(sbom.unknowns, []);
    const final = states[2]!.qa;
    assert.deepEqual(sbom.packages.map(qaLine).sort(), final);
    const layerOf = Object.fromEntries(sbom.packages.map((p) => [p.name, p.locations[0]!.layerIndex]));
    // hello came with the first transaction, zero and many with the second; lib was erased by the third.
    assert.deepEqual(layerOf, { 'corral-hello': 0, 'corral-zero': 1, 'corral-many': 1 });
    for (const p of sbom.packages) assert.match(p.purl, /^pkg:rpm\/rocky\/.*distro=rocky-9\.3/);
  });

  it('attributes layers the same way when the rpmdb moved to /usr/lib/sysimage/rpm behind a symlink', async (t) => {
    if (!(await requireRpmTools(t))) return;
    const path = '/usr/lib/sysimage/rpm/rpmdb.sqlite';
    const sbom = await imageOf(
      states.map((s) => [{ path, content: s.db }]),
      true,
    );
    assert.deepEqual(sbom.packages.map(qaLine).sort(), states[2]!.qa);
    assert.ok(sbom.packages.every((p) => p.locations[0]!.path === path));
    assert.equal(sbom.packages.find((p) => p.name === 'corral-many')!.locations[0]!.layerIndex, 1);
  });
});

/** `rpm -qa --qf QA_FORMAT` line of a catalogued package (epoch and upstream from its purl). */
function qaLine(p: Package): string {
  const q = new URLSearchParams(p.purl.split('?')[1]);
  const vr = p.version.replace(/^\d+:/, '');
  const cut = vr.lastIndexOf('-');
  return [p.name, q.get('epoch') ?? '0', vr.slice(0, cut), vr.slice(cut + 1), p.arch, q.get('upstream')].join(
    '\t',
  );
}

let seq = 0;
/** An OCI image: Rocky 9 os-release in layer 0, then one layer per entry of `layers`. */
async function imageOf(layers: FileSpec[][], sysimage = false) {
  const dirs = ['/etc', '/var', '/var/lib', '/usr', '/usr/lib', '/usr/lib/sysimage', '/usr/lib/sysimage/rpm'];
  const base: FileSpec[] = [
    ...dirs.map((path): FileSpec => ({ path, type: 'dir' })),
    { path: '/etc/os-release', content: ROCKY_9 },
  ];
  base.push(
    sysimage
      ? { path: '/var/lib/rpm', type: 'symlink', target: '../../usr/lib/sysimage/rpm' }
      : { path: '/var/lib/rpm', type: 'dir' },
  );
  const specs = layers.map((files, i) => ({
    files: i === 0 ? [...base, ...files] : files,
    createdBy: `RUN dnf install (step ${i + 1})`,
  }));
  const dir = join(work, `image-${++seq}`);
  await buildOciLayout(dir, { layers: specs });
  const limits = defaultLimits();
  const image = await openImage(`oci-layout:${dir}`, { limits });
  try {
    return await catalogImage(image, { limits, catalogers: [rpmDb], now: new Date(0) });
  } finally {
    await image.close();
  }
}
