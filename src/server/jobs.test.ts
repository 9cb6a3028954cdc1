/**
 * Background jobs and webhooks over a real store (SQLite and a fresh PostgreSQL database) and a real
 * vulndb built from an OSV feed: a vulndb change (a `db import` into the watched file) triggers one
 * re-match, its alert goes to a loopback receiver that checks the HMAC, a 500 is retried and every
 * attempt lands in the delivery log; Slack payloads; markStale; runExclusive lets one replica run.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openInventory } from '../inventory/store.js';
import type { Alert, InventoryStore } from '../inventory/types.js';
import { importPath } from '../vulndb/import.js';
import {
  randomDigest,
  sampleSbom,
  startReceiver,
  storeTargets,
  writeOsvFeed,
  type StoreTarget,
} from '../../test/e2e/server-fixtures.js';
import { ServerJobs } from './jobs.js';
import { createMetrics } from './metrics.js';
import { WebhookDispatcher, signBody } from './webhooks.js';

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) suite(target);

function suite(target: StoreTarget): void {
  describe(
    `server jobs and webhooks (${target.name})`,
    { skip: target.target === undefined ? 'no PostgreSQL' : false },
    () => {
      let store: InventoryStore;
      let work: string;
      let vulndb: string;
      const digest = randomDigest();

      before(async () => {
        work = await mkdtemp(join(tmpdir(), 'corral-jobs-'));
        vulndb = join(work, 'vuln.db');
        store = await openInventory(target.target);
        await store.pushImage({ sbom: sampleSbom(digest, '1.0.0', 'registry.example/jobs:1') });
        await store.syncDeployments({
          agentId: 'agent-j',
          platform: 'docker',
          host: 'host-j',
          containers: [{ containerId: 'cj1', name: 'jobs', imageDigest: digest }],
          at: new Date().toISOString(),
        });
      });
      after(async () => {
        await store?.close();
        await rm(work, { recursive: true, force: true });
      });

      it('re-matches once when the vulndb changes and delivers the signed alert, retrying a 500', async () => {
        const receiver = await startReceiver([500]);
        const metrics = createMetrics();
        try {
          const webhooks = new WebhookDispatcher({ store, metrics, attempts: 3, baseDelayMs: 5 });
          await webhooks.registerStatic([{ url: receiver.url, secret: 'hook-secret' }]);
          await webhooks.registerStatic([{ url: receiver.url, secret: 'hook-secret' }]); // no duplicate
          assert.equal((await store.listWebhooks()).filter((w) => w.url === receiver.url).length, 1);
          const jobs = new ServerJobs({
            store,
            metrics,
            webhooks,
            vulndbPath: vulndb,
            vulndbPollMs: 3_600_000,
          });
          await jobs.start(); // no DB yet
          try {
            assert.equal(jobs.status().available, false);
            assert.equal(await jobs.checkVulndb(), false);

            await importPath(
              vulndb,
              await writeOsvFeed(join(work, 'feed1'), 'CVE-2099-0001', 'GHSA-aaaa-bbbb-cccc'),
              {
                source: 'osv',
              },
            );
            assert.equal(await jobs.checkVulndb(), true, 'a new DB build triggers a re-match');
            assert.equal(jobs.status().available, true);
            assert.equal(jobs.status().lastRematch?.ok, true);
            assert.equal(await jobs.checkVulndb(), false, 'an unchanged DB does not');

            const alerts = (await store.listAlerts()).items.filter((a) => a.imageDigest === digest);
            assert.equal(alerts.length, 1);
            const alert = alerts[0]!;
            assert.ok(['CVE-2099-0001', 'GHSA-aaaa-bbbb-cccc'].includes(alert.vulnerability));

            // 500 then 200, same delivery id, valid HMAC over the raw body
            assert.equal(receiver.received.length, 2);
            const [first, second] = receiver.received;
            assert.equal(first!.status, 500);
            assert.equal(second!.status, 200);
            assert.equal(first!.headers['x-corral-delivery'], second!.headers['x-corral-delivery']);
            const expected = `sha256=${createHmac('sha256', 'hook-secret').update(second!.body).digest('hex')}`;
            assert.equal(second!.headers['x-corral-signature'], expected);
            const payload = JSON.parse(second!.body) as { type: string; alert: Alert };
            assert.equal(payload.type, 'corral.alert');
            assert.equal(payload.alert.id, alert.id);
            assert.deepEqual(
              payload.alert.deployments.map((d) => d.containerId),
              ['cj1'],
            );

            const log = await store.listDeliveries(alert.id);
            assert.deepEqual(log.map((d) => [d.attempt, d.status, d.httpStatus]).sort(), [
              [1, 'pending', 500],
              [2, 'delivered', 200],
            ]);
            const text = await metrics.registry.metrics();
            assert.match(text, /corral_webhook_deliveries_total\{kind="generic",status="failed"\} 1/);
            assert.match(text, /corral_webhook_deliveries_total\{kind="generic",status="delivered"\} 1/);
            assert.match(text, /corral_rematch_duration_seconds_count 1/);
          } finally {
            await jobs.stop();
          }
        } finally {
          await receiver.close();
        }
      });

      it('gives up after 3 failed attempts and records each', async () => {
        const receiver = await startReceiver([503, 503, 503]);
        try {
          const webhooks = new WebhookDispatcher({ store, attempts: 3, baseDelayMs: 5 });
          const alert = fakeAlert(digest);
          const hook = await store.addWebhook({ url: receiver.url, kind: 'generic' });
          const out = await webhooks.deliver(alert, { ...hook });
          assert.deepEqual(
            out.map((d) => d.status),
            ['pending', 'pending', 'failed'],
          );
          assert.equal(receiver.received.length, 3);
          assert.equal(
            receiver.received[0]!.headers['x-corral-signature'],
            undefined,
            'no secret, no signature',
          );
          const log = await store.listDeliveries(alert.id);
          assert.equal(log.length, 3);
          assert.ok(log.every((d) => d.error === 'HTTP 503'));
        } finally {
          await receiver.close();
        }
      });

      it('records a connection failure as an error', async () => {
        const webhooks = new WebhookDispatcher({ store, attempts: 2, baseDelayMs: 1, timeoutMs: 2000 });
        const alert = fakeAlert(digest);
        const out = await webhooks.deliver(alert, {
          id: 'w-dead',
          url: 'http://127.0.0.1:1/hook',
          kind: 'generic',
          hasSecret: false,
        });
        assert.deepEqual(
          out.map((d) => d.status),
          ['pending', 'failed'],
        );
        assert.match(out[1]!.error ?? '', /ECONNREFUSED|connect/i);
      });

      it('sends Slack-compatible payloads and respects minSeverity', async () => {
        const receiver = await startReceiver();
        try {
          const webhooks = new WebhookDispatcher({ store, baseDelayMs: 1 });
          const alert = fakeAlert(digest);
          await webhooks.deliver(alert, {
            id: 'w-slack',
            url: receiver.url,
            kind: 'slack',
            hasSecret: false,
          });
          const body = JSON.parse(receiver.received[0]!.body) as { text: string; blocks: { type: string }[] };
          assert.match(
            body.text,
            /\[HIGH\] CVE-2099-7777 affects registry\.example\/jobs:1 \(1 running container\(s\) on host-j\)/,
          );
          assert.equal(body.blocks[0]!.type, 'section');

          const critOnly = await store.addWebhook({
            url: `${receiver.url}/crit`,
            kind: 'generic',
            minSeverity: 'critical',
          });
          const highOk = await store.addWebhook({
            url: `${receiver.url}/high`,
            kind: 'generic',
            minSeverity: 'high',
          });
          const all = await webhooks.deliverAll([alert]);
          assert.ok(!all.some((d) => d.webhookId === critOnly.id), 'a high alert skips a critical-only hook');
          assert.ok(all.some((d) => d.webhookId === highOk.id && d.status === 'delivered'));
          assert.ok(!receiver.received.some((r) => r.path === '/hook/crit'));
          assert.ok(receiver.received.some((r) => r.path === '/hook/high'));
        } finally {
          await receiver.close();
        }
      });

      it('marks deployments of silent agents stale', async () => {
        const metrics = createMetrics();
        const jobs = new ServerJobs({
          store,
          metrics,
          webhooks: new WebhookDispatcher({ store }),
          staleAfterMs: 60_000,
        });
        assert.equal(await jobs.markStale(Date.now()), 0, 'a fresh agent is not stale');
        assert.equal(await jobs.markStale(Date.now() + 10 * 60_000), 1);
        const stale = await store.listDeployments({ state: 'stale' });
        assert.deepEqual(
          stale.items.map((d) => d.containerId),
          ['cj1'],
        );
      });

      it('runs a re-match once when two callers in one process ask at the same time', async () => {
        const jobs = new ServerJobs({
          store,
          metrics: createMetrics(),
          webhooks: new WebhookDispatcher({ store }),
          vulndbPath: vulndb,
        });
        const results = await Promise.all([jobs.rematch(), jobs.rematch()]);
        await jobs.stop();
        assert.deepEqual(
          results.map((r) => r.skipped),
          [false, true],
        );
      });

      // Replicas share PostgreSQL (the embedded SQLite default is one server process; two stores on one
      // SQLite file in ONE process would block each other in better-sqlite3's synchronous busy wait), so
      // this case exists for PostgreSQL only — defined, not skipped, so CI never reports a skip.
      if (target.name !== 'sqlite')
        it('runs a re-match once when two replicas ask at the same time', async () => {
          const metrics = createMetrics();
          const second = await openInventory(target.target);
          try {
            const a = new ServerJobs({
              store,
              metrics,
              webhooks: new WebhookDispatcher({ store }),
              vulndbPath: vulndb,
            });
            const b = new ServerJobs({
              store: second,
              metrics,
              webhooks: new WebhookDispatcher({ store: second }),
              vulndbPath: vulndb,
            });
            const results = await Promise.all([a.rematch(), b.rematch()]);
            await Promise.all([a.stop(), b.stop()]);
            const ran = results.filter((r) => r.skipped === false);
            assert.equal(
              ran.length,
              1,
              `exactly one replica ran: ${JSON.stringify(results.map((r) => r.skipped))}`,
            );
          } finally {
            await second.close();
          }
        });
    },
  );
}

function fakeAlert(digest: string): Alert {
  return {
    id: `alert-${Math.random().toString(36).slice(2)}`,
    createdAt: new Date().toISOString(),
    vulnerability: 'CVE-2099-7777',
    severity: 'high',
    imageDigest: digest,
    repoTags: ['registry.example/jobs:1'],
    packages: [
      { name: 'corral-e2e-lib', version: '1.0.0', type: 'npm', purl: 'pkg:npm/corral-e2e-lib@1.0.0' },
    ],
    deployments: [{ host: 'host-j', containerId: 'cj1', name: 'jobs' }],
  };
}

it('signBody is HMAC-SHA256 hex with a sha256= prefix', () => {
  assert.equal(signBody('k', 'body'), `sha256=${createHmac('sha256', 'k').update('body').digest('hex')}`);
});
