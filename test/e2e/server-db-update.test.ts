/**
 * `corral server --db-update-interval`: the server runs `corral db update` itself (here against OSV
 * `all.zip` exports served on loopback in the upstream layout), notices the new DB build and re-matches
 * the stored SBOMs without any push — the pushed image becomes affected by the new advisory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openInventory } from '../../src/inventory/store.js';
import { CorralClient } from '../../src/server/client.js';
import { OSV_ECOSYSTEMS } from '../../src/vulndb/feeds/osv/ecosystems.js';
import { startFeedServer, type FeedServer } from '../support/feed-server.js';
import { writeZip } from '../support/zip.js';
import { startServerProcess, waitFor, type ServerProcess } from './inventory-fixtures.js';
import { randomDigest, sampleSbom, writeOsvFeed } from './server-fixtures.js';

describe('server runs db update on a schedule and re-matches', () => {
  let work: string;
  let feeds: FeedServer;
  let server: ServerProcess | undefined;
  const cve = `CVE-2099-${randomBytes(2).readUInt16BE() + 10000}`;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'corral-server-dbupdate-'));
    feeds = await startFeedServer();
    const empty = join(work, 'empty.zip');
    writeZip(empty, []);
    const osvDir = await writeOsvFeed(join(work, 'feed'), cve);
    const npm = join(work, 'npm.zip');
    const files = await readdir(osvDir);
    writeZip(
      npm,
      await Promise.all(files.map(async (f) => ({ name: f, data: await readFile(join(osvDir, f)) }))),
    );
    for (const eco of OSV_ECOSYSTEMS)
      feeds.routes.set(`/osv/${eco}/all.zip`, { body: await readFile(eco === 'npm' ? npm : empty) });
  });

  after(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await feeds?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('fetches the feed, builds the DB and raises the new finding on the stored image', async () => {
    const database = join(work, 'inventory.db');
    const store = await openInventory(database);
    const token = (await store.createToken('ci', 'ci')).token;
    const viewer = (await store.createToken('viewer', 'viewer')).token;
    await store.close();
    server = await startServerProcess({
      database,
      vulndb: join(work, 'vuln.db'),
      extra: ['--db-update-interval', '1s', '--db-update-source', 'osv', '--vulndb-poll', '0.5s'],
      env: { CORRAL_FEED_OSV_URL: `${feeds.url}/osv/`, CORRAL_HOME: join(work, 'home') },
    });
    const digest = randomDigest();
    const ci = new CorralClient({ url: server.url, token });
    const reader = new CorralClient({ url: server.url, token: viewer });
    try {
      await ci.push({ sbom: sampleSbom(digest, '1.0.0') });
      const hit = await waitFor(
        'the scheduled update and re-match',
        async () => {
          const images = await reader.where({ vulnerability: cve });
          return images.length > 0 ? images : undefined;
        },
        60_000,
        250,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${server!.output()}`, { cause: err });
      });
      assert.deepEqual(
        hit.map((i) => i.digest),
        [digest],
      );
      assert.equal(hit[0]!.matches[0]!.fixedIn, '2.0.0');
      // the downloads really came from the feed server, in the upstream layout
      assert.ok(
        feeds.log.some((r) => r.path === '/osv/npm/all.zip'),
        feeds.log.map((r) => r.path).join(' '),
      );
    } finally {
      await ci.close();
      await reader.close();
    }
  });
});
