import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startFeedServer, type FeedServer } from '../../test/support/feed-server.js';
import { writeZip } from '../../test/support/zip.js';
import { isAppError } from '../errors.js';
import { OSV_ECOSYSTEMS } from './feeds/osv/ecosystems.js';
import { openVulnStore } from './store.js';
import { applyOverride, updateDb, type UpdateOptions } from './update.js';

const RECORDS = fileURLToPath(new URL('./feeds/osv/testdata/records', import.meta.url));
const BY_ECOSYSTEM: Record<string, string[]> = {
  npm: ['GHSA-35jh-r3h4-6jhm.json', 'GHSA-9wx4-h78v-vm56.json', 'GHSA-rhx6-c78j-4q9w.json'],
  PyPI: ['PYSEC-2021-108.json', 'GHSA-q2q7-5pp4-w6pg.json'],
  Debian: ['DEBIAN-CVE-2023-4911.json'],
  Alpine: ['ALPINE-CVE-2023-5678.json'],
  Ubuntu: ['UBUNTU-CVE-2024-6387.json'],
  'Rocky Linux': ['RLSA-2024-4312.json'],
};

const tmp = mkdtempSync(join(tmpdir(), 'corral-update-'));
let server: FeedServer;

function zipOf(files: string[], edit?: (name: string, json: string) => string): Buffer {
  const path = join(tmp, `z-${Math.random()}.zip`);
  writeZip(
    path,
    files.map((f) => ({
      name: f,
      data: edit ? edit(f, readFileSync(join(RECORDS, f), 'utf8')) : readFileSync(join(RECORDS, f)),
    })),
  );
  return readFileSync(path);
}

/** Serves every default OSV ecosystem under /osv/<eco>/all.zip (+ modified_id.csv). */
export function serveOsv(s: FeedServer, dir = tmp): void {
  void dir;
  for (const eco of OSV_ECOSYSTEMS) {
    s.routes.set(`/osv/${eco}/all.zip`, { body: zipOf(BY_ECOSYSTEM[eco] ?? []) });
    s.routes.set(`/osv/${eco}/modified_id.csv`, { body: Buffer.from('') });
  }
}

function options(extra: Partial<UpdateOptions> = {}): UpdateOptions {
  return {
    sources: ['osv'],
    env: { CORRAL_FEED_OSV_URL: `${server.url}/osv/` },
    retries: 2,
    retryDelayMs: 1,
    ...extra,
  };
}

before(async () => {
  server = await startFeedServer();
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  server.routes.clear();
  server.log.length = 0;
  serveOsv(server);
});

describe('db update over HTTP', () => {
  const db = join(tmp, 'vuln.db');
  const t0 = new Date('2024-06-01T00:00:00Z');

  it('downloads every OSV ecosystem and builds the DB', async () => {
    const report = await updateDb(db, options({ now: () => t0 }));
    assert.equal(report.sources[0]!.mode, 'full');
    assert.equal(server.log.length, OSV_ECOSYSTEMS.length);
    assert.ok(server.log.every((r) => r.ifNoneMatch === undefined));
    const store = openVulnStore(db);
    try {
      assert.equal(store.affected('npm', 'lodash')[0]!.vulnId, 'CVE-2021-23337');
      const osv = store.metadata().sources.find((s) => s.source === 'osv')!;
      assert.equal(osv.completeUntil, t0.toISOString());
      assert.ok(osv.files.find((f) => f.name === 'npm/all.zip')!.etag!.startsWith('"'));
    } finally {
      store.close();
    }
  });

  it('fetches only changed records listed in modified_id.csv (incremental)', async () => {
    const t1 = new Date('2024-06-02T00:00:00Z');
    server.routes.set('/osv/npm/modified_id.csv', {
      body: Buffer.from(
        '2024-06-01T12:00:00Z,GHSA-9wx4-h78v-vm56\n2024-02-16T08:21:56Z,GHSA-35jh-r3h4-6jhm\n',
      ),
    });
    const changed = readFileSync(join(RECORDS, 'GHSA-9wx4-h78v-vm56.json'), 'utf8').replace(
      '"fixed": "2.0.4"',
      '"fixed": "2.0.5"',
    );
    server.routes.set('/osv/npm/GHSA-9wx4-h78v-vm56.json', { body: Buffer.from(changed) });
    const report = await updateDb(db, options({ now: () => t1 }));
    assert.equal(report.sources[0]!.mode, 'incremental');
    assert.deepEqual(
      report.sources[0]!.files.map((f) => f.name),
      ['npm/GHSA-9wx4-h78v-vm56.json'],
    );
    assert.ok(!server.log.some((r) => r.path.endsWith('all.zip')));
    const store = openVulnStore(db);
    try {
      const ranges = store.affected('npm', 'example-merge')[0]!.ranges;
      assert.deepEqual(ranges[1]!.events, [{ introduced: '2.0.0' }, { fixed: '2.0.5' }]);
    } finally {
      store.close();
    }
  });

  it('sends conditional requests and keeps rows on 304', async () => {
    const late = new Date('2024-08-01T00:00:00Z'); // too old for incremental → conditional full
    const report = await updateDb(db, options({ now: () => late }));
    assert.equal(report.sources[0]!.mode, 'full');
    assert.ok(report.sources[0]!.files.every((f) => f.status === 'not-modified'));
    assert.ok(server.log.every((r) => r.ifNoneMatch !== undefined && r.status === 304));
    const store = openVulnStore(db);
    try {
      assert.equal(store.affected('PyPI', 'urllib3').length, 2);
    } finally {
      store.close();
    }
  });

  it('re-imports a changed file and deletes records it no longer has', async () => {
    server.routes.set('/osv/npm/all.zip', { body: zipOf(['GHSA-35jh-r3h4-6jhm.json']) });
    const report = await updateDb(db, options({ full: true }));
    assert.equal(report.sources[0]!.stats.deleted, 2);
    const store = openVulnStore(db);
    try {
      assert.deepEqual(store.affected('npm', 'example-merge'), []);
      assert.equal(store.affected('PyPI', 'urllib3').length, 2, 'other files untouched');
    } finally {
      store.close();
    }
  });

  it('retries 5xx answers', async () => {
    server.routes.get('/osv/PyPI/all.zip')!.failTimes = 2;
    await updateDb(db, options({ full: true }));
    assert.equal(server.log.filter((r) => r.path === '/osv/PyPI/all.zip').length, 3);
  });

  it('fails with FEED_HTTP_STATUS after too many 5xx and leaves the DB as it was', async () => {
    const before = openVulnStore(db);
    const version = before.metadata().dbVersion;
    before.close();
    server.routes.get('/osv/Go/all.zip')!.failTimes = 5;
    await assert.rejects(updateDb(db, options({ full: true })), (e) => isAppError(e, 'FEED_HTTP_STATUS'));
    const after = openVulnStore(db);
    assert.equal(after.metadata().dbVersion, version);
    after.close();
  });

  it('rejects a truncated body with FEED_TRUNCATED after retries', async () => {
    server.routes.get('/osv/npm/all.zip')!.truncate = true;
    await assert.rejects(updateDb(db, options({ full: true })), (e) => isAppError(e, 'FEED_TRUNCATED'));
    assert.equal(server.log.filter((r) => r.path === '/osv/npm/all.zip').length, 3);
  });

  it('rejects an HTML error page served as a zip with FEED_FORMAT_INVALID', async () => {
    server.routes.set('/osv/npm/all.zip', {
      body: Buffer.from('<html><body>Service Unavailable</body></html>'.repeat(4)),
    });
    await assert.rejects(updateDb(db, options({ full: true })), (e) => isAppError(e, 'FEED_FORMAT_INVALID'));
  });

  it('rejects bodies outside the size bounds with FEED_SIZE_OUT_OF_BOUNDS', async () => {
    server.routes.set('/osv/npm/all.zip', { body: Buffer.from('x') });
    await assert.rejects(updateDb(db, options({ full: true })), (e) =>
      isAppError(e, 'FEED_SIZE_OUT_OF_BOUNDS'),
    );
  });

  it('fails on 404 without retrying', async () => {
    server.routes.delete('/osv/npm/all.zip');
    await assert.rejects(updateDb(db, options({ full: true })), (e) => isAppError(e, 'FEED_HTTP_STATUS'));
    assert.equal(server.log.filter((r) => r.path === '/osv/npm/all.zip').length, 1);
  });

  it('applies URL overrides as base URLs or single-file URLs', () => {
    const urls = [{ name: 'Rocky Linux/all.zip', url: 'https://x/Rocky%20Linux/all.zip' }];
    assert.equal(applyOverride(urls, 'http://m/osv/')[0]!.url, 'http://m/osv/Rocky%20Linux/all.zip');
    assert.equal(
      applyOverride([{ name: 'kev.json', url: 'https://cisa' }], 'http://m/k.json')[0]!.url,
      'http://m/k.json',
    );
  });
});
