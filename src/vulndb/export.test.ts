import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFeedServer, type FeedServer } from '../../test/support/feed-server.js';
import { osvRecord } from '../../test/support/osv-corpus.js';
import { isAppError } from '../errors.js';
import { buildDb } from './build.js';
import { exportDb } from './export.js';
import { importPath } from './import.js';
import { pullDb } from './pull.js';
import { openVulnStore, type VulnStore } from './store.js';

const tmp = mkdtempSync(join(tmpdir(), 'corral-export-'));
let server: FeedServer;
before(async () => {
  server = await startFeedServer();
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

function corpusDir(name: string, ids: number[], revision = 0, revised = new Set<number>()): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const i of ids)
    writeFileSync(
      join(dir, `${i}.json`),
      JSON.stringify(osvRecord(i, { packagesPerEcosystem: 40, revision: revised.has(i) ? revision : 0 })),
    );
  return dir;
}

/** Every lookup the matcher can make, over every package of either DB, plus every vulnerability. */
function snapshot(
  store: VulnStore,
  packages: { ecosystem: string; package: string; distroRelease: string | undefined }[],
): unknown {
  const lookups = packages.map((p) => [
    p,
    store.affected(p.ecosystem, p.package),
    store.affected(p.ecosystem, p.package, p.distroRelease),
  ]);
  const vulnIds = [
    ...new Set(packages.flatMap((p) => store.affected(p.ecosystem, p.package).map((r) => r.vulnId))),
  ].sort();
  const meta = store.metadata();
  return {
    lookups,
    vulns: vulnIds.map((id) => store.vulnerability(id)),
    counts: meta.counts,
    version: meta.dbVersion,
    sources: meta.sources,
  };
}

function packagesOf(
  ...paths: string[]
): { ecosystem: string; package: string; distroRelease: string | undefined }[] {
  const seen = new Map<string, { ecosystem: string; package: string; distroRelease: string | undefined }>();
  for (const p of paths) {
    const s = openVulnStore(p);
    for (const pkg of s.packages()) seen.set(JSON.stringify(pkg), pkg);
    s.close();
  }
  return [...seen.values()];
}

describe('db export / pull', () => {
  const db = join(tmp, 'build.db');
  const out = join(tmp, 'out');
  let versionA = 0;

  it('exports a full artefact with sidecar metadata', async () => {
    mkdirSync(out);
    await importPath(
      db,
      corpusDir(
        'a',
        Array.from({ length: 600 }, (_, i) => i),
      ),
      { source: 'osv' },
    );
    await buildDb(db, async ({ writer }) => {
      async function* kev() {
        yield {
          kind: 'kev' as const,
          record: { cve: 'CVE-2015-10000', dateAdded: '2024-01-01', knownRansomware: false },
        };
        yield {
          kind: 'kev' as const,
          record: { cve: 'CVE-2016-10001', dateAdded: '2024-01-02', knownRansomware: true },
        };
      }
      await writer.importItems({ source: 'kev', origin: 'kev.json', mode: 'full' }, kev());
    });
    const meta = await exportDb(db, join(out, 'a.tar.gz'));
    versionA = meta.dbVersion;
    assert.equal(meta.kind, 'full');
    assert.equal(meta.counts.advisories, 600);
    assert.match(meta.sha256!, /^[0-9a-f]{64}$/);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'a.tar.gz.json'), 'utf8')), meta);
  });

  it('applies a delta to the older DB with results equal to the newer DB, over every package', async () => {
    copyFileSync(db, join(tmp, 'snapshot-a.db'));
    // B = A + changed records + new records + a replace that deletes some + KEV churn
    const revised = new Set([3, 5, 8, 13, 21, 34, 55, 89]);
    await importPath(
      db,
      corpusDir('b1', [...revised, ...Array.from({ length: 300 }, (_, i) => 600 + i)], 2, revised),
      { source: 'osv' },
    );
    await importPath(
      db,
      corpusDir(
        'b2',
        Array.from({ length: 850 }, (_, i) => i + 50),
        2,
        revised,
      ),
      { source: 'osv', replace: true },
    );
    await buildDb(db, async ({ writer }) => {
      async function* kev() {
        yield {
          kind: 'kev' as const,
          record: { cve: 'CVE-2016-10001', dateAdded: '2024-01-02', knownRansomware: false },
        };
      }
      await writer.importItems({ source: 'kev', origin: 'kev.json', mode: 'full' }, kev());
    });
    const full = await exportDb(db, join(out, 'b.tar.gz'));
    const delta = await exportDb(db, join(out, 'a-b.tar.gz'), { since: versionA, full: 'b.tar.gz' });
    assert.equal(delta.kind, 'delta');
    assert.equal(delta.baseVersion, versionA);
    assert.ok(delta.size! < full.size!, 'delta is smaller than the full artefact');

    const c = join(tmp, 'c.db');
    assert.equal((await pullDb(c, join(out, 'a.tar.gz'))).kind, 'full');
    for (const r of server.routes.keys()) server.routes.delete(r);
    for (const f of ['a-b.tar.gz', 'a-b.tar.gz.json', 'b.tar.gz', 'b.tar.gz.json'])
      server.routes.set(`/db/${f}`, { body: readFileSync(join(out, f)) });
    const pulled = await pullDb(c, `${server.url}/db/a-b.tar.gz.json`, { retries: 0 });
    assert.deepEqual(pulled, { kind: 'delta', dbVersion: full.dbVersion, fellBack: false });

    const packages = packagesOf(db, c, join(tmp, 'snapshot-a.db'));
    assert.ok(packages.length > 100);
    const [sb, sc] = [openVulnStore(db), openVulnStore(c)];
    try {
      assert.deepEqual(snapshot(sc, packages), snapshot(sb, packages));
    } finally {
      sb.close();
      sc.close();
    }
  });

  it('falls back to the full artefact when the local DB is not at the delta base', async () => {
    const d = join(tmp, 'd.db');
    const r = await pullDb(d, `${server.url}/db/a-b.tar.gz`, { retries: 0 });
    assert.equal(r.kind, 'full');
    assert.equal(r.fellBack, true);
  });

  it('refuses a delta without fallback with VULNDB_DELTA_BASE_MISMATCH', async () => {
    const meta = JSON.parse(readFileSync(join(out, 'a-b.tar.gz.json'), 'utf8')) as Record<string, unknown>;
    delete meta.full;
    server.routes.set('/db/nofull.json', {
      body: Buffer.from(JSON.stringify({ ...meta, artifact: 'a-b.tar.gz' })),
    });
    await assert.rejects(pullDb(join(tmp, 'e.db'), `${server.url}/db/nofull.json`, { retries: 0 }), (e) =>
      isAppError(e, 'VULNDB_DELTA_BASE_MISMATCH'),
    );
  });

  it('rejects an artefact whose sha256 differs with VULNDB_CHECKSUM_MISMATCH', async () => {
    const body = Buffer.from(readFileSync(join(out, 'b.tar.gz')));
    body[body.length - 10] = (body[body.length - 10]! + 1) % 256;
    server.routes.set('/db/b.tar.gz', { body });
    await assert.rejects(pullDb(join(tmp, 'f.db'), `${server.url}/db/b.tar.gz`, { retries: 0 }), (e) =>
      isAppError(e, 'VULNDB_CHECKSUM_MISMATCH'),
    );
  });

  it('rejects metadata that is not a corral artefact with VULNDB_ARTIFACT_INVALID', async () => {
    server.routes.set('/db/bogus.json', { body: Buffer.from('{"hello":1}') });
    await assert.rejects(pullDb(join(tmp, 'g.db'), `${server.url}/db/bogus.json`, { retries: 0 }), (e) =>
      isAppError(e, 'VULNDB_ARTIFACT_INVALID'),
    );
  });
});
