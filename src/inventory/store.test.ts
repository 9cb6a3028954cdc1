/**
 * The whole store suite, run against BOTH SQLite (a temp file per test) and the real PostgreSQL of the
 * test environment (a fresh `corral_inv_<random>` database per test, dropped at the end); kysely
 * `BUILT_IN_DIALECTS` style. The vulndbs are REAL, built from the matcher's fixture feed excerpts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Package } from '../catalog/model.js';
import { isAppError } from '../errors.js';
import { SBOM_MODEL_VERSION, type Sbom } from '../sbom/model.js';
import { openVulnStore, type VulnStore } from '../vulndb/store.js';
import { buildFixtureDb } from '../../test/support/fixture-vulndb.js';
import { postgresUrl } from '../../test/helpers/env.js';
import { hashToken, openInventory, type OpenInventoryOptions } from './store.js';
import type { ContainerReport, InventoryStore } from './types.js';

const TESTDATA = join(import.meta.dirname, '..', 'match', 'testdata');
const sha = (s: string): string => `sha256:${Buffer.from(s.padEnd(32, '-')).toString('hex').slice(0, 64)}`;

function pkg(name: string, version: string, type: Package['type'], purl: string, source?: string): Package {
  return {
    id: `p-${name}-${version}`,
    name,
    version,
    type,
    purl,
    licenses: [],
    cpes: [],
    foundBy: 'test',
    locations: [{ path: '/x', layerIndex: 0 }],
    ...(source !== undefined && { source: { name: source, version } }),
  };
}

const libssl3 = pkg(
  'libssl3',
  '3.0.11-1~deb12u1',
  'deb',
  'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12',
  'openssl',
);
const libc6 = pkg(
  'libc6',
  '2.36-9+deb12u1',
  'deb',
  'pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&distro=debian-12',
  'glibc',
);
const lodash = pkg('lodash', '4.17.20', 'npm', 'pkg:npm/lodash@4.17.20');
const lodashNew = { ...pkg('lodash', '4.17.21', 'npm', 'pkg:npm/lodash@4.17.21') };
const requests = pkg('requests', '2.25.0', 'pypi', 'pkg:pypi/requests@2.25.0');

function sbomOf(name: string, packages: Package[], configDigest?: string): Sbom {
  const layer = sha(`layer-${name}`);
  return {
    schemaVersion: SBOM_MODEL_VERSION,
    image: {
      ref: `registry.test/${name}:1`,
      digest: sha(name),
      ...(configDigest !== undefined && { configDigest }),
      repoTags: [`registry.test/${name}:1`],
      repoDigests: [],
      platform: 'linux/amd64',
      layers: [{ index: 0, digest: layer, diffId: layer }],
    },
    distro: { id: 'debian', versionId: '12', codename: 'bookworm' },
    packages,
    relationships: [],
    unknowns: [],
    createdAt: '2026-01-01T00:00:00Z',
    tool: { name: 'corral', version: 'test' },
  };
}

const imageA = sbomOf('app-a', [libssl3, lodash], sha('config-a'));
const imageB = sbomOf('app-b', [libc6, requests]);
const imageC = sbomOf('app-c', [lodashNew]);

function container(id: string, imageDigest: string, name = id): ContainerReport {
  return { containerId: id, name, imageDigest, startedAt: '2026-01-02T00:00:00.000Z' };
}

let dir: string;
let dbV1: VulnStore;
let dbV2: VulnStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-inv-'));
  const debian = join(TESTDATA, 'debian-bookworm');
  const v1Dir = join(dir, 'v1');
  const v2Dir = join(dir, 'v2');
  await mkdir(v1Dir);
  await mkdir(v2Dir);
  dbV1 = openVulnStore(await buildFixtureDb(v1Dir, [debian]));
  dbV2 = openVulnStore(await buildFixtureDb(v2Dir, [debian, join(TESTDATA, 'languages')]));
});

after(async () => {
  dbV1.close();
  dbV2.close();
  await rm(dir, { recursive: true, force: true });
});

type Open = (opts?: OpenInventoryOptions) => Promise<{
  store: InventoryStore;
  reopen: () => Promise<InventoryStore>;
  target: string | { path: string };
}>;

const pgBase = postgresUrl();
const pgDatabases: string[] = [];

function pgDbUrl(name: string): string {
  const u = new URL(pgBase!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgBase });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const DIALECTS: { name: string; skip: string | false; open: Open }[] = [
  {
    name: 'sqlite',
    skip: false,
    open: async (opts) => {
      const path = join(dir, `inv-${randomBytes(6).toString('hex')}.db`);
      return {
        store: await openInventory({ path }, opts),
        reopen: () => openInventory({ path }, opts),
        target: { path },
      };
    },
  },
  {
    name: 'postgres',
    skip: pgBase === undefined ? 'CORRAL_TEST_POSTGRES not set' : false,
    open: async (opts) => {
      const name = `corral_inv_${randomBytes(6).toString('hex')}`;
      await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
      pgDatabases.push(name);
      const url = pgDbUrl(name);
      return { store: await openInventory(url, opts), reopen: () => openInventory(url, opts), target: url };
    },
  },
];

after(async () => {
  if (pgBase === undefined) return;
  await pgAdmin(async (c) => {
    for (const name of pgDatabases) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

for (const dialect of DIALECTS) {
  describe(`inventory store on ${dialect.name}`, { skip: dialect.skip }, () => {
    const stores: InventoryStore[] = [];
    async function open(opts?: OpenInventoryOptions): Promise<InventoryStore> {
      const { store } = await dialect.open(opts);
      stores.push(store);
      return store;
    }
    async function openTwo(): Promise<[InventoryStore, InventoryStore]> {
      const { store, reopen } = await dialect.open();
      const second = await reopen();
      stores.push(store, second);
      return [store, second];
    }
    after(async () => {
      for (const s of stores) await s.close();
    });

    it('reports its dialect and migrates idempotently (a second open of the same DB works)', async () => {
      const [a, b] = await openTwo();
      assert.equal(a.dialect, dialect.name);
      assert.equal(b.dialect, dialect.name);
      assert.equal((await b.listImages()).items.length, 0);
    });

    it('pushes are idempotent by digest, merge tags and provenance, and keep the first SBOM', async () => {
      const store = await open();
      const first = await store.pushImage({ sbom: imageA, provenance: { builder: 'ci', commit: 'abc' } });
      assert.deepEqual(first, { digest: imageA.image.digest, created: true });
      const again = await store.pushImage({
        sbom: { ...imageA, packages: [] },
        repoTags: ['registry.test/app-a:latest'],
        provenance: { pipeline: 'build' },
      });
      assert.equal(again.created, false);
      const img = await store.getImage(imageA.image.digest!);
      assert.ok(img);
      assert.equal(img.packages, 2);
      assert.equal(img.sbom.packages.length, 2, 'SBOM not replaced');
      assert.deepEqual(img.repoTags, ['registry.test/app-a:1', 'registry.test/app-a:latest']);
      assert.deepEqual(img.provenance, { builder: 'ci', commit: 'abc', pipeline: 'build' });
      assert.equal((await store.listImages()).items.length, 1);
      // matchable by config digest (Docker image IDs)
      assert.equal((await store.getImage(imageA.image.configDigest!))?.digest, imageA.image.digest);
      assert.deepEqual(
        [...(await store.hasImages([imageA.image.configDigest!, imageB.image.digest!]))],
        [imageA.image.configDigest],
      );
    });

    it('two processes pushing the same digest at once store one image', async () => {
      const { store, target } = await dialect.open();
      stores.push(store);
      const script = join(dir, `push-${randomBytes(4).toString('hex')}.mts`);
      await writeFile(
        script,
        `import { openInventory } from ${JSON.stringify(join(import.meta.dirname, 'store.ts'))};
const [target, sbom] = JSON.parse(process.argv[2]);
const store = await openInventory(target);
const results = [];
for (let i = 0; i < 3; i++) results.push(await store.pushImage({ sbom, repoTags: ['t:' + process.pid] }));
await store.close();
process.stdout.write(JSON.stringify(results.filter((r) => r.created).length));`,
      );
      const run = (): Promise<number> =>
        new Promise((resolve, reject) => {
          execFile(
            process.execPath,
            ['--import', 'tsx', script, JSON.stringify([target, imageB])],
            (err, stdout, stderr) =>
              err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(Number(stdout)),
          );
        });
      const created = await Promise.all([
        run(),
        run(),
        store.pushImage({ sbom: imageB }).then((r) => Number(r.created)),
      ]);
      assert.equal(
        created.reduce((a, b) => a + b, 0),
        1,
        'exactly one push created the image',
      );
      assert.equal((await store.listImages()).items.length, 1);
      const img = await store.getImage(imageB.image.digest!);
      assert.equal(
        img!.repoTags.filter((t) => t.startsWith('t:')).length,
        2,
        'tags of both processes merged',
      );
      const found = await store.where({ purl: 'pkg:pypi/requests' });
      assert.equal(found.length, 1);
      assert.equal(found[0]!.matches.length, 1, 'packages stored once');
    });

    it('rejects a push without a valid digest with INVENTORY_INPUT_INVALID naming the field', async () => {
      const store = await open();
      const bad = { ...imageA, image: { ...imageA.image, digest: 'latest' } };
      await assert.rejects(
        store.pushImage({ sbom: bad }),
        (e: unknown) => isAppError(e, 'INVENTORY_INPUT_INVALID') && e.message.includes('sbom.image.digest'),
      );
    });

    it('matches pushes against the configured vulndb; where by CVE, alias, purl, version and range', async () => {
      const store = await open({ vulndb: () => dbV2 });
      await store.pushImage({ sbom: imageA });
      await store.pushImage({ sbom: imageB });
      await store.pushImage({ sbom: imageC });
      const byCve = await store.where({ vulnerability: 'CVE-2021-23337' });
      assert.deepEqual(
        byCve.map((i) => i.digest),
        [imageA.image.digest],
      );
      assert.equal(byCve[0]!.matches[0]!.package.name, 'lodash');
      assert.equal(byCve[0]!.matches[0]!.fixedIn, '4.17.21');
      // aliases: GHSA and PYSEC ids of the same vulnerability; lower-case CVE spelling
      assert.deepEqual(
        (await store.where({ vulnerability: 'PYSEC-2023-74' })).map((i) => i.digest),
        [imageB.image.digest],
      );
      assert.deepEqual(
        (await store.where({ vulnerability: 'GHSA-j8r2-6x86-q33q' })).map((i) => i.digest),
        [imageB.image.digest],
      );
      assert.deepEqual(
        (await store.where({ vulnerability: 'cve-2023-5363' })).map((i) => i.digest),
        [imageA.image.digest],
      );
      assert.deepEqual(await store.where({ vulnerability: 'CVE-1999-0001' }), []);
      // purl without version, exact version, range in the package's scheme
      const lodashAll = await store.where({ purl: 'pkg:npm/lodash' });
      assert.equal(lodashAll.length, 2);
      assert.deepEqual(
        (await store.where({ purl: 'pkg:npm/lodash@4.17.21' })).map((i) => i.digest),
        [imageC.image.digest],
      );
      assert.deepEqual(
        (await store.where({ purl: 'pkg:npm/lodash', versionRange: '<4.17.21' })).map((i) => i.digest),
        [imageA.image.digest],
      );
      assert.deepEqual(
        (await store.where({ purl: 'pkg:npm/lodash', versionRange: '>=4.17.21 <5' })).map((i) => i.digest),
        [imageC.image.digest],
      );
      // source package: pkg:deb/debian/openssl finds libssl3 (source openssl)
      const openssl = await store.where({
        purl: 'pkg:deb/debian/openssl',
        versionRange: '<< 3.0.11-1~deb12u2',
      });
      assert.deepEqual(
        openssl.map((i) => i.digest),
        [imageA.image.digest],
      );
      assert.equal(openssl[0]!.matches[0]!.package.name, 'libssl3');
      await assert.rejects(store.where({ purl: 'pkg:npm/lodash', versionRange: '>>>' }), (e: unknown) =>
        isAppError(e, 'INVENTORY_INPUT_INVALID'),
      );
      await assert.rejects(store.where({ purl: 'not-a-purl' }), (e: unknown) =>
        isAppError(e, 'INVENTORY_INPUT_INVALID'),
      );
      // vulnerability and package together: the intersection
      assert.deepEqual(await store.where({ vulnerability: 'CVE-2023-5363', purl: 'pkg:npm/lodash' }), []);
      assert.deepEqual(
        (await store.where({ vulnerability: 'CVE-2023-5363', purl: 'pkg:deb/debian/openssl' })).map(
          (i) => i.digest,
        ),
        [imageA.image.digest],
      );
      await assert.rejects(store.where({}), (e: unknown) => isAppError(e, 'INVENTORY_INPUT_INVALID'));
    });

    it('stores pushed findings when no vulndb is configured', async () => {
      const store = await open();
      const { matchSbom } = await import('../match/run.js');
      const result = await matchSbom(imageA, dbV1);
      await store.pushImage({ sbom: imageA, findings: result.findings, db: result.db });
      const img = await store.getImage(imageA.image.digest!);
      assert.equal(
        Object.values(img!.findingsBySeverity).reduce((a, b) => a + b, 0),
        result.findings.length,
      );
      assert.ok(result.findings.length > 0);
    });

    it('where --running keeps only running deployments; deployments resolve config digests', async () => {
      const store = await open({ vulndb: () => dbV2 });
      await store.pushImage({ sbom: imageA });
      await store.pushImage({ sbom: imageB });
      const sync = await store.syncDeployments({
        agentId: 'agent-1',
        platform: 'docker',
        host: 'h1',
        at: '2026-01-03T00:00:00.000Z',
        containers: [
          container('c-a', imageA.image.configDigest!),
          container('c-b', imageB.image.digest!),
          container('c-x', sha('unknown')),
        ],
      });
      assert.deepEqual(sync.unknownDigests, [sha('unknown')]);
      await store.applyDeploymentEvents('agent-1', 'h1', 'docker', [
        { type: 'die', container: { containerId: 'c-b' }, at: '2026-01-03T00:01:00.000Z' },
      ]);
      const all = await store.where({ vulnerability: 'CVE-2023-32681' });
      assert.equal(all.length, 1);
      assert.equal(all[0]!.deployments[0]!.state, 'stopped');
      assert.deepEqual(await store.where({ vulnerability: 'CVE-2023-32681', running: true }), []);
      const running = await store.where({ vulnerability: 'CVE-2021-23337', running: true });
      assert.equal(running.length, 1);
      assert.equal(running[0]!.deployments.length, 1);
      assert.equal(
        running[0]!.deployments[0]!.imageDigest,
        imageA.image.digest,
        'config digest resolved to the manifest digest',
      );
      assert.equal(running[0]!.deployments[0]!.host, 'h1');
      // an image pushed after the agent reported it links the waiting deployment
      const x = sbomOf('unknown-late', [lodash]);
      x.image.digest = sha('late');
      x.image.configDigest = sha('unknown');
      await store.pushImage({ sbom: x });
      const late = await store.where({ vulnerability: 'CVE-2021-23337', running: true });
      assert.equal(late.length, 2);
      const summary = await store.summary();
      assert.equal(summary.images, 3);
      assert.deepEqual(summary.deployments, { running: 2, stopped: 1, stale: 0 });
      assert.ok((summary.findingsBySeverity.high ?? 0) >= 2);
    });

    it('syncs snapshots: upserts, stops missing containers, keeps firstSeen, events, stale and revive, history', async () => {
      const store = await open();
      await store.pushImage({ sbom: imageA });
      const d = imageA.image.digest!;
      await store.syncDeployments({
        agentId: 'ag',
        platform: 'docker',
        host: 'h',
        at: '2026-01-01T00:00:00.000Z',
        containers: [container('c1', d), container('c2', d)],
      });
      await store.syncDeployments({
        agentId: 'ag',
        platform: 'docker',
        host: 'h',
        at: '2026-01-01T01:00:00.000Z',
        containers: [container('c1', d, 'renamed-by-sync')],
      });
      let list = (await store.listDeployments({ host: 'h' })).items;
      const c1 = list.find((x) => x.containerId === 'c1')!;
      const c2 = list.find((x) => x.containerId === 'c2')!;
      assert.equal(c1.state, 'running');
      assert.equal(c1.firstSeen, '2026-01-01T00:00:00.000Z');
      assert.equal(c1.lastSeen, '2026-01-01T01:00:00.000Z');
      assert.equal(c1.name, 'renamed-by-sync');
      assert.equal(c2.state, 'stopped');
      assert.equal(c2.stoppedAt, '2026-01-01T01:00:00.000Z');
      // events: start a new one, rename, destroy keeps the row
      const ev = await store.applyDeploymentEvents('ag', 'h', 'docker', [
        {
          type: 'start',
          container: { containerId: 'c3', name: 'web', imageDigest: d },
          at: '2026-01-01T02:00:00.000Z',
        },
        { type: 'rename', container: { containerId: 'c3', name: 'web-2' }, at: '2026-01-01T02:01:00.000Z' },
        { type: 'destroy', container: { containerId: 'c1' }, at: '2026-01-01T02:02:00.000Z' },
        {
          type: 'start',
          container: { containerId: 'c4', name: 'new', imageDigest: sha('nope') },
          at: '2026-01-01T02:03:00.000Z',
        },
      ]);
      assert.deepEqual(ev.unknownDigests, [sha('nope')]);
      list = (await store.listDeployments({ host: 'h' })).items;
      assert.equal(list.find((x) => x.containerId === 'c3')?.name, 'web-2');
      assert.equal(list.find((x) => x.containerId === 'c3')?.state, 'running');
      assert.equal(list.find((x) => x.containerId === 'c1')?.state, 'stopped');
      // the agent goes silent: its running deployments become stale, nothing is deleted
      await store.heartbeat('ag', '2026-01-01T03:00:00.000Z');
      await store.heartbeat('other', '2026-01-01T05:00:00.000Z');
      assert.equal(await store.markStale('2026-01-01T04:00:00.000Z'), 2);
      assert.equal((await store.listDeployments({ state: 'stale' })).items.length, 2);
      assert.equal((await store.listDeployments({})).items.length, 4);
      // a later sync revives
      await store.syncDeployments({
        agentId: 'ag',
        platform: 'docker',
        host: 'h',
        at: '2026-01-01T06:00:00.000Z',
        containers: [container('c3', d, 'web-2')],
      });
      const revived = (await store.listDeployments({ state: 'running' })).items;
      assert.deepEqual(
        revived.map((x) => x.containerId),
        ['c3'],
      );
      assert.equal(revived[0]!.firstSeen, '2026-01-01T02:00:00.000Z');
      const history = await store.imageHistory(d);
      assert.deepEqual(history.map((x) => x.containerId).sort(), ['c1', 'c2', 'c3']);
      assert.equal((await store.listDeployments({ imageDigest: d })).items.length, 3);
      await assert.rejects(
        store.syncDeployments({
          agentId: 'ag',
          platform: 'docker',
          host: 'h',
          at: 'yesterday',
          containers: [],
        }),
        (e: unknown) => isAppError(e, 'INVENTORY_INPUT_INVALID') && e.message.includes('snapshot.at'),
      );
    });

    it('rematch records the delta and raises exactly one alert per new vulnerability on a running image', async () => {
      const store = await open({ vulndb: () => dbV1 });
      await store.pushImage({ sbom: imageA });
      await store.pushImage({ sbom: imageB });
      await store.syncDeployments({
        agentId: 'ag',
        platform: 'docker',
        host: 'h1',
        at: '2026-01-03T00:00:00.000Z',
        containers: [
          container('a1', imageA.image.digest!),
          container('a2', imageA.image.digest!),
          container('b1', imageB.image.digest!),
        ],
      });
      await store.applyDeploymentEvents('ag', 'h1', 'docker', [
        { type: 'die', container: { containerId: 'b1' }, at: '2026-01-03T00:00:01.000Z' },
      ]);
      assert.deepEqual(await store.where({ vulnerability: 'CVE-2021-23337' }), []);
      const before = await store.where({ vulnerability: 'CVE-2023-5363' });
      const same = await store.rematch(dbV1);
      assert.equal(same.added, 0);
      assert.equal(same.removed, 0);
      assert.equal(same.alerts.length, 0);
      assert.deepEqual(
        await store.where({ vulnerability: 'CVE-2023-5363' }),
        before,
        'unchanged findings untouched',
      );

      const run = await store.rematch(dbV2);
      assert.equal(run.images, 2);
      assert.equal(run.added, 2); // lodash CVE-2021-23337 on A, requests CVE-2023-32681 on B
      assert.equal(run.removed, 0);
      assert.equal(run.alerts.length, 1, 'B runs nowhere: no alert for it');
      const deltas = await store.rematchDeltas(run.runId);
      assert.deepEqual(
        deltas.map(
          (d) =>
            `${d.change} ${d.vulnerability} ${d.package.name} ${d.imageDigest === imageA.image.digest ? 'A' : 'B'}`,
        ),
        ['added CVE-2021-23337 lodash A', 'added CVE-2023-32681 requests B'],
      );
      const alert = run.alerts[0]!;
      assert.equal(alert.vulnerability, 'CVE-2021-23337');
      assert.equal(alert.imageDigest, imageA.image.digest);
      assert.equal(alert.severity, 'high');
      assert.deepEqual(
        alert.packages.map((p) => p.name),
        ['lodash'],
      );
      assert.deepEqual(
        alert.deployments.map((d) => d.containerId),
        ['a1', 'a2'],
      );
      assert.deepEqual((await store.listAlerts()).items, run.alerts);
      assert.deepEqual(
        (await store.where({ vulnerability: 'CVE-2021-23337', running: true })).map((i) => i.digest),
        [imageA.image.digest],
      );

      const again = await store.rematch(dbV2);
      assert.equal(again.added, 0);
      assert.equal(again.alerts.length, 0);
      const back = await store.rematch(dbV1);
      assert.equal(back.removed, 2);
      assert.deepEqual(
        (await store.rematchDeltas(back.runId)).map((d) => `${d.change} ${d.vulnerability}`),
        ['removed CVE-2021-23337', 'removed CVE-2023-32681'],
      );
      assert.equal(back.alerts.length, 0);
      assert.deepEqual(await store.where({ vulnerability: 'CVE-2021-23337' }), []);
      assert.equal((await store.listAlerts()).items.length, 1);
    });

    it('tokens: shown once, stored as a hash, verify updates lastUsedAt, revoke', async () => {
      const store = await open();
      const { token, info } = await store.createToken('ci-main', 'ci');
      assert.match(token, /^corral_[A-Za-z0-9_-]{43}$/);
      assert.equal(hashToken(token).length, 64);
      const listed = await store.listTokens();
      assert.equal(JSON.stringify(listed).includes(token), false);
      assert.equal(listed[0]!.lastUsedAt, undefined);
      const ok = await store.verifyToken(token);
      assert.equal(ok?.id, info.id);
      assert.equal(ok?.role, 'ci');
      assert.ok((await store.listTokens())[0]!.lastUsedAt);
      assert.equal(await store.verifyToken(`${token}x`), undefined);
      assert.equal(await store.verifyToken('nonsense'), undefined);
      assert.equal(await store.revokeToken(info.id), true);
      assert.equal(await store.revokeToken(info.id), false);
      assert.equal(await store.verifyToken(token), undefined);
      assert.ok((await store.listTokens())[0]!.revokedAt);
      await assert.rejects(store.createToken('x', 'root' as 'admin'), (e: unknown) =>
        isAppError(e, 'INVENTORY_INPUT_INVALID'),
      );
    });

    it('audit log appends and pages in order; webhooks and deliveries', async () => {
      const store = await open();
      for (let i = 0; i < 5; i++) {
        await store.appendAudit({
          actor: 'tok',
          action: 'push',
          target: `img-${i}`,
          remote: '127.0.0.1',
          detail: { i },
        });
      }
      const p1 = await store.listAudit({ limit: 2 });
      assert.deepEqual(
        p1.items.map((e) => e.target),
        ['img-0', 'img-1'],
      );
      assert.ok(p1.next);
      const p2 = await store.listAudit({ limit: 2, cursor: p1.next });
      const p3 = await store.listAudit({ limit: 2, cursor: p2.next });
      assert.deepEqual(
        p2.items.map((e) => e.target),
        ['img-2', 'img-3'],
      );
      assert.deepEqual(
        p3.items.map((e) => e.detail),
        [{ i: 4 }],
      );
      assert.equal(p3.next, undefined);
      await assert.rejects(store.listAudit({ cursor: 'garbage!' }), (e: unknown) =>
        isAppError(e, 'INVENTORY_CURSOR_INVALID'),
      );

      const hook = await store.addWebhook({
        url: 'https://hooks.test/x',
        kind: 'generic',
        secret: 's3',
        minSeverity: 'high',
      });
      assert.equal(hook.hasSecret, true);
      assert.deepEqual(await store.listWebhooks(), [{ ...hook, secret: 's3' }]);
      await assert.rejects(store.addWebhook({ url: 'ftp://x', kind: 'generic' }), (e: unknown) =>
        isAppError(e, 'INVENTORY_INPUT_INVALID'),
      );
      const d1 = await store.recordDelivery({
        alertId: 'al1',
        webhookId: hook.id,
        attempt: 1,
        status: 'failed',
        httpStatus: 500,
        at: '2026-01-01T00:00:00.000Z',
      });
      await store.recordDelivery({
        alertId: 'al1',
        webhookId: hook.id,
        attempt: 2,
        status: 'delivered',
        httpStatus: 200,
        at: '2026-01-01T00:00:01.000Z',
      });
      await store.recordDelivery({
        alertId: 'al2',
        webhookId: hook.id,
        attempt: 1,
        status: 'pending',
        at: '2026-01-01T00:00:02.000Z',
      });
      const forAl1 = await store.listDeliveries('al1');
      assert.deepEqual(
        forAl1.map((d) => d.status),
        ['failed', 'delivered'],
      );
      assert.equal(forAl1[0]!.id, d1.id);
      assert.equal((await store.listDeliveries()).length, 3);
    });

    it('paginates images and deployments with cursors, no duplicates or gaps', async () => {
      const store = await open();
      const digests: string[] = [];
      for (let i = 0; i < 7; i++) {
        const s = sbomOf(`page-${i}`, [lodash]);
        digests.push(s.image.digest!);
        await store.pushImage({ sbom: s });
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listImages({ limit: 3, ...(cursor !== undefined && { cursor }) });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((i) => i.digest));
        cursor = page.next;
      } while (cursor !== undefined);
      assert.deepEqual(seen, [...digests].sort());
      await store.syncDeployments({
        agentId: 'ag',
        platform: 'docker',
        host: 'h',
        at: '2026-01-01T00:00:00.000Z',
        containers: digests.map((d, i) => container(`c${i}`, d)),
      });
      const ids: string[] = [];
      cursor = undefined;
      do {
        const page = await store.listDeployments(
          { state: 'running' },
          { limit: 2, ...(cursor !== undefined && { cursor }) },
        );
        ids.push(...page.items.map((d) => d.containerId));
        cursor = page.next;
      } while (cursor !== undefined);
      assert.deepEqual(ids.sort(), digests.map((_, i) => `c${i}`).sort());
    });

    it('runExclusive: two stores on one DB, only one runs the job at a time', async () => {
      const [a, b] = await openTwo();
      let release!: () => void;
      const holding = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      let runs = 0;
      const first = a.runExclusive('rematch', async () => {
        runs++;
        entered();
        await holding;
      });
      await inside;
      const second = await b.runExclusive('rematch', async () => {
        runs++;
      });
      assert.equal(second, false, 'the other store skipped');
      assert.equal(
        await b.runExclusive('another-job', async () => undefined),
        true,
        'other names are independent',
      );
      release();
      assert.equal(await first, true);
      assert.equal(runs, 1);
      assert.equal(
        await b.runExclusive('rematch', async () => void runs++),
        true,
        'free again after the job',
      );
      assert.equal(runs, 2);
      // a failing job releases the lock too
      await assert.rejects(
        a.runExclusive('rematch', async () => Promise.reject(new Error('boom'))),
        /boom/,
      );
      assert.equal(await b.runExclusive('rematch', async () => undefined), true);
    });
  });
}
