/**
 * Issue 7 acceptance (b): two `corral server` processes on ONE real PostgreSQL database. A load generator
 * in a second process sends ≥ 50 concurrent pushes of a real SBOM (varied digests, some duplicates),
 * alternating between both servers: nothing is lost or duplicated. Then a feed import changes the shared
 * vulndb: the scheduled re-match runs once across both replicas (one run in the run log, one alert per
 * affected running image), not twice.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ImageSummary } from '../../src/inventory/types.js';
import { CorralClient } from '../../src/server/client.js';
import { importPath } from '../../src/vulndb/import.js';
import { postgresUrl } from '../helpers/env.js';
import { buildFixtureDb } from '../support/fixture-vulndb.js';
import {
  createTestInventory,
  runLoadProcess,
  startServerProcess,
  waitFor,
  writeRealSbom,
  type ServerProcess,
  type TestInventory,
} from './inventory-fixtures.js';
import { configDigestFor } from './inventory-load.js';
import { randomDigest, writeOsvFeed } from './server-fixtures.js';

const LANGUAGES_CASE = join(import.meta.dirname, '..', '..', 'src', 'match', 'testdata', 'languages');
const DISTINCT = 55;
const DUPLICATES = 10;
const DEPLOYED = 5;
const skip = postgresUrl() === undefined ? 'needs CORRAL_TEST_POSTGRES' : false;

describe('two servers on one PostgreSQL', { skip, timeout: 600_000 }, () => {
  let work: string;
  let inventory: TestInventory | undefined;
  let vulndb: string;
  let servers: ServerProcess[] = [];
  let ciToken: string;
  let agentToken: string;
  let client: CorralClient;
  let clientB: CorralClient;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'corral-replicas-'));
    const inv = await createTestInventory(work, 'postgres', { load: 'ci', agent: 'agent', viewer: 'viewer' });
    if (inv === undefined) throw new Error('CORRAL_TEST_POSTGRES is set but no fresh database was created');
    inventory = inv;
    ciToken = inv.tokens.load;
    agentToken = inv.tokens.agent;
    vulndb = await buildFixtureDb(work, [LANGUAGES_CASE]);
    servers = await Promise.all([
      startServerProcess({ database: inv.database, vulndb }),
      startServerProcess({ database: inv.database, vulndb }),
    ]);
    client = new CorralClient({ url: servers[0]!.url, token: inv.tokens.viewer });
    clientB = new CorralClient({ url: servers[1]!.url, token: inv.tokens.viewer });
  });

  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await client?.close();
    await clientB?.close();
    await inventory?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('≥ 50 concurrent pushes across both replicas: nothing lost or duplicated; re-match runs once', async (t) => {
    const sbom = await writeRealSbom(work);
    t.diagnostic(`real SBOM: ${sbom.packages} packages`);
    assert.ok(sbom.packages > 100);
    const distinct = Array.from({ length: DISTINCT }, randomDigest);
    const plan = [...distinct];
    for (let i = 0; i < DUPLICATES; i++) plan.splice(i * 6 + 3, 0, distinct[i * 5]!);
    const t0 = Date.now();
    const results = await runLoadProcess(work, {
      servers: servers.map((s) => s.url),
      token: ciToken,
      sbomFile: sbom.file,
      digests: plan,
      concurrency: plan.length,
    });
    const ms = Date.now() - t0;
    t.diagnostic(`${plan.length} concurrent pushes (${DISTINCT} distinct) in ${ms} ms`);

    assert.equal(results.length, plan.length);
    const failed = results.filter((r) => r.status < 200 || r.status >= 300);
    assert.deepEqual(failed, [], 'every push acknowledged');
    assert.ok(new Set(results.map((r) => r.server)).size === 2, 'both replicas served pushes');
    // exactly one push per digest created it, the duplicates found it
    const created = new Map<string, number>();
    for (const r of results) if (r.created === true) created.set(r.digest, (created.get(r.digest) ?? 0) + 1);
    assert.equal(created.size, DISTINCT);
    assert.ok(
      [...created.values()].every((n) => n === 1),
      'no digest created twice',
    );

    // count rows through the API (both replicas see the same)
    const listed: ImageSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listImages({ limit: 20, ...(cursor !== undefined && { cursor }) });
      listed.push(...page.items);
      cursor = page.next;
    } while (cursor !== undefined);
    assert.equal(listed.length, DISTINCT, 'no image lost or stored twice');
    assert.deepEqual(new Set(listed.map((i) => i.digest)), new Set(distinct));
    const one = await clientB.getImage(distinct[0]!);
    assert.equal(one.sbom.packages.length, sbom.packages);
    assert.ok(one.repoTags.length >= 2, `duplicate pushes merged their tags: ${one.repoTags.join(',')}`);

    // ---- scheduled re-match: some images run somewhere; then the vulndb changes under both servers
    const agentA = new CorralClient({ url: servers[0]!.url, token: agentToken });
    await agentA.syncDeployments({
      agentId: 'replica-agent',
      platform: 'docker',
      host: 'replica-host',
      at: new Date().toISOString(),
      containers: distinct.slice(0, DEPLOYED).map((d, i) => ({
        containerId: `c${i}${'0'.repeat(60)}`.slice(0, 64),
        name: `app-${i}`,
        imageDigest: configDigestFor(d),
      })),
    });
    await agentA.close();
    const cve = `CVE-2031-${1000 + Math.floor(Math.random() * 8999)}`;
    await importPath(vulndb, await writeOsvFeed(join(work, 'feed'), cve), { source: 'osv' });
    const alertsFor = async (): Promise<number> =>
      (await client.listAlerts({ limit: 1000 })).items.filter(
        (a) => a.vulnerability === cve || a.vulnerability.startsWith('GHSA-e2e0-'),
      ).length;
    await waitFor('the re-match alerts', async () => (await alertsFor()) >= DEPLOYED, 90_000, 500);
    // both replicas poll the vulndb every 10 s: wait until both have seen the new build
    await sleep(12_000);
    assert.equal(await alertsFor(), DEPLOYED, 'one alert per running affected image, not two');

    const pgc = new pg.Client({ connectionString: inventory!.database });
    await pgc.connect();
    try {
      const runs = await pgc.query<{ images: number; added: number }>(
        'SELECT images, added FROM rematch_runs ORDER BY started_at',
      );
      t.diagnostic(`rematch_runs: ${JSON.stringify(runs.rows)}`);
      const outputs = servers.map((s) => s.output()).join('\n');
      assert.equal(runs.rows.length, 1, `the re-match ran once, not twice\n${outputs}`);
      assert.equal(Number(runs.rows[0]!.images), DISTINCT);
    } finally {
      await pgc.end();
    }
  });
});
