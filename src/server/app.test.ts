/**
 * The HTTP API over a real store, once on SQLite and once on a fresh PostgreSQL database: auth (401/403
 * with the role needed), validation (400 naming the field), the audit entry of each write, images,
 * agents, fleet queries, webhooks admin, 404/413 JSON errors, metrics exposition and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { openInventory } from '../inventory/store.js';
import type { InventoryStore, Role } from '../inventory/types.js';
import { randomDigest, sampleSbom, storeTargets, type StoreTarget } from '../../test/e2e/server-fixtures.js';
import { allRoutes, createApp } from './app.js';
import { openApiPath } from './openapi.js';

interface Ready {
  store: { ok: boolean; dialect: string };
  vulndb: { configured: boolean };
}
interface Items<T> {
  items: T[];
}
interface Hook {
  kind: string;
  hasSecret: boolean;
  secret?: string;
}

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) suite(target);

function suite(target: StoreTarget): void {
  describe(
    `server API (${target.name})`,
    { skip: target.target === undefined ? 'no PostgreSQL' : false },
    () => {
      let store: InventoryStore;
      let app: FastifyInstance;
      const tokens = {} as Record<Role, string>;

      before(async () => {
        store = await openInventory(target.target);
        for (const role of ['viewer', 'ci', 'agent', 'operator', 'admin'] as const)
          tokens[role] = (await store.createToken(`${role}-token`, role)).token;
        app = await createApp({ store });
      });
      after(async () => {
        await app?.close();
        await store?.close();
      });

      const call = (
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        role?: Role,
        body?: unknown,
      ): Promise<LightMyRequestResponse> =>
        app.inject({
          method,
          url,
          headers: role === undefined ? {} : { authorization: `Bearer ${tokens[role]}` },
          ...(body !== undefined && { payload: body as object }),
        });

      const errorOf = (res: LightMyRequestResponse): { code: string; message: string; hint?: string } =>
        res.json<{ error: { code: string; message: string; hint?: string } }>().error;

      async function auditActions(): Promise<
        { action: string; actor: string; target?: string; remote?: string }[]
      > {
        return (await store.listAudit({ limit: 1000 })).items;
      }

      it('answers /healthz and /readyz without a token', async () => {
        const h = await call('GET', '/healthz');
        assert.equal(h.statusCode, 200);
        assert.deepEqual(h.json(), { status: 'ok' });
        const r = await call('GET', '/readyz');
        assert.equal(r.statusCode, 200);
        assert.equal(r.json<Ready>().store.ok, true);
        assert.equal(r.json<Ready>().store.dialect, target.name);
        assert.equal(r.json<Ready>().vulndb.configured, false);
      });

      it('401 without a token, with a malformed header and with an unknown token', async () => {
        const none = await call('GET', '/api/v1/images');
        assert.equal(none.statusCode, 401);
        assert.equal(errorOf(none).code, 'API_UNAUTHENTICATED');
        assert.match(errorOf(none).hint ?? '', /Bearer/);
        const basic = await app.inject({
          method: 'GET',
          url: '/api/v1/images',
          headers: { authorization: 'Basic eDp5' },
        });
        assert.equal(basic.statusCode, 401);
        assert.match(errorOf(basic).message, /Bearer/);
        const bad = await app.inject({
          method: 'GET',
          url: '/api/v1/images',
          headers: { authorization: 'Bearer corral_nope' },
        });
        assert.equal(bad.statusCode, 401);
        assert.match(errorOf(bad).message, /unknown or revoked/);
        assert.equal((await call('GET', '/metrics')).statusCode, 401);
      });

      it('403 names the role needed', async () => {
        const ciReads = await call('GET', '/api/v1/images', 'ci');
        assert.equal(ciReads.statusCode, 403);
        assert.equal(errorOf(ciReads).code, 'API_FORBIDDEN');
        assert.match(
          errorOf(ciReads).message,
          /has role ci; GET \/api\/v1\/images needs role viewer or operator or admin/,
        );
        const viewerPush = await call('POST', '/api/v1/images', 'viewer', {
          sbom: sampleSbom(randomDigest()),
        });
        assert.equal(viewerPush.statusCode, 403);
        assert.match(errorOf(viewerPush).message, /needs role ci or agent or admin/);
        const viewerRematch = await call('POST', '/api/v1/rematch', 'viewer');
        assert.match(errorOf(viewerRematch).message, /needs role operator or admin/);
        const operatorAudit = await call('GET', '/api/v1/audit', 'operator');
        assert.equal(operatorAudit.statusCode, 403);
        assert.match(errorOf(operatorAudit).message, /needs role admin/);
        const ciDeploy = await call('PUT', '/api/v1/agents/a1/deployments', 'ci', {});
        assert.equal(ciDeploy.statusCode, 403);
        assert.match(errorOf(ciDeploy).message, /needs role agent or admin/);
      });

      it('400 names the invalid field', async () => {
        const sbom = sampleSbom(randomDigest()) as unknown as { image: Record<string, unknown> };
        sbom.image.digest = 'latest';
        const res = await call('POST', '/api/v1/images', 'ci', { sbom });
        assert.equal(res.statusCode, 400);
        assert.equal(errorOf(res).code, 'API_BAD_REQUEST');
        assert.match(errorOf(res).message, /body\.sbom\.image\.digest: must be a digest/);
        const noBody = await call('POST', '/api/v1/images', 'ci', {});
        assert.match(errorOf(noBody).message, /body\.sbom: Required/);
        const where = await call('GET', '/api/v1/where', 'viewer');
        assert.equal(where.statusCode, 400);
        assert.match(
          errorOf(where).message,
          /query\.vulnerability: give exactly one of "vulnerability" or "purl"/,
        );
        const limit = await call('GET', '/api/v1/images?limit=0', 'viewer');
        assert.match(errorOf(limit).message, /query\.limit/);
        const badJson = await app.inject({
          method: 'POST',
          url: '/api/v1/images',
          headers: { authorization: `Bearer ${tokens.ci}`, 'content-type': 'application/json' },
          payload: '{"sbom":',
        });
        assert.equal(badJson.statusCode, 400);
        assert.equal(errorOf(badJson).code, 'API_BAD_REQUEST');
        const agent = await call('PUT', '/api/v1/agents/bad%20id/deployments', 'agent', {
          platform: 'docker',
          host: 'h',
          containers: [],
          at: new Date().toISOString(),
        });
        assert.match(errorOf(agent).message, /params\.agentId/);
      });

      it('404 JSON for unknown routes and images', async () => {
        const res = await call('GET', '/api/v1/nothing', 'viewer');
        assert.equal(res.statusCode, 404);
        assert.equal(errorOf(res).code, 'API_NOT_FOUND');
        assert.match(errorOf(res).message, /no route GET \/api\/v1\/nothing/);
        const img = await call('GET', `/api/v1/images/${randomDigest()}`, 'viewer');
        assert.equal(img.statusCode, 404);
        assert.match(errorOf(img).message, /no image sha256:/);
      });

      const digest = randomDigest();
      const agentDigest = randomDigest();

      it('pushes an image (201, then 200) and records both in the audit log', async () => {
        const first = await call('POST', '/api/v1/images', 'ci', {
          sbom: sampleSbom(digest),
          provenance: { builder: 'https://github.com/actions/runner', commit: 'abc123' },
        });
        assert.equal(first.statusCode, 201);
        assert.deepEqual(first.json(), { digest, created: true });
        const again = await call('POST', '/api/v1/images', 'admin', {
          sbom: sampleSbom(digest),
          repoTags: ['registry.example/app:latest'],
        });
        assert.equal(again.statusCode, 200);
        assert.equal(again.json<{ created: boolean }>().created, false);
        const pushes = (await auditActions()).filter((a) => a.action === 'image.push' && a.target === digest);
        assert.deepEqual(pushes.map((a) => a.actor).sort(), ['admin-token', 'ci-token']);
        assert.ok(pushes.every((a) => a.remote === '127.0.0.1'));
      });

      it('agent pushes: only new digests, never provenance', async () => {
        const own = await call('POST', '/api/v1/images', 'agent', {
          sbom: sampleSbom(digest),
          repoTags: ['agent.example/overwrite:1'],
        });
        assert.equal(own.statusCode, 200);
        assert.deepEqual(own.json(), { digest, created: false });
        const img = await store.getImage(digest);
        assert.ok(!img?.repoTags.includes('agent.example/overwrite:1'), 'a known digest is left alone');
        const prov = await call('POST', '/api/v1/images', 'agent', {
          sbom: sampleSbom(randomDigest()),
          provenance: { builder: 'me' },
        });
        assert.equal(prov.statusCode, 403);
        assert.match(errorOf(prov).message, /role agent, which may not set provenance/);
        const fresh = randomDigest();
        const ok = await call('POST', '/api/v1/images', 'agent', { sbom: sampleSbom(fresh) });
        assert.equal(ok.statusCode, 201);
      });

      it('lists and reads images', async () => {
        const list = await call('GET', '/api/v1/images?limit=10', 'viewer');
        assert.equal(list.statusCode, 200);
        const item = list
          .json<Items<{ digest: string; repoTags: string[]; provenance?: { commit?: string } }>>()
          .items.find((i) => i.digest === digest);
        assert.ok(item);
        assert.deepEqual(item.repoTags.sort(), ['registry.example/app:1', 'registry.example/app:latest']);
        assert.equal(item.provenance?.commit, 'abc123');
        const one = await call('GET', `/api/v1/images/${digest}`, 'operator');
        assert.equal(one.statusCode, 200);
        assert.equal(
          one.json<{ sbom: { packages: { name: string }[] } }>().sbom.packages[0]?.name,
          'corral-e2e-lib',
        );
        const encoded = await call('GET', `/api/v1/images/${encodeURIComponent(digest)}`, 'viewer');
        assert.equal(encoded.statusCode, 200);
      });

      it('syncs deployments, applies events and heartbeats (agent), each audited', async () => {
        const at = new Date().toISOString();
        const sync = await call('PUT', '/api/v1/agents/agent-1/deployments', 'agent', {
          platform: 'docker',
          host: 'web-01',
          containers: [
            { containerId: 'c1', name: 'web', imageDigest: digest },
            { containerId: 'c2', name: 'other', imageDigest: agentDigest },
          ],
          at,
        });
        assert.equal(sync.statusCode, 200);
        assert.deepEqual(sync.json<{ unknownDigests: string[] }>().unknownDigests, [agentDigest]);
        const ev = await call('POST', '/api/v1/agents/agent-1/events', 'agent', {
          platform: 'docker',
          host: 'web-01',
          events: [{ type: 'die', container: { containerId: 'c2' }, at: new Date().toISOString() }],
        });
        assert.equal(ev.statusCode, 200);
        assert.ok(Array.isArray(ev.json<{ unknownDigests: string[] }>().unknownDigests));
        const hb = await call('POST', '/api/v1/agents/agent-1/heartbeat', 'agent', {});
        assert.equal(hb.statusCode, 200);
        const audit = await auditActions();
        for (const action of ['deployments.sync', 'deployments.events', 'agent.heartbeat'])
          assert.ok(
            audit.some(
              (a) => a.action === action && a.actor === 'agent-token' && a.target === 'agent:agent-1',
            ),
            `audit has ${action}`,
          );

        const running = await call('GET', '/api/v1/deployments?state=running&host=web-01', 'viewer');
        assert.equal(running.statusCode, 200);
        assert.deepEqual(
          running.json<Items<{ containerId: string }>>().items.map((d) => d.containerId),
          ['c1'],
        );
        const stopped = await call('GET', `/api/v1/deployments?image=${agentDigest}`, 'viewer');
        assert.equal(stopped.json<Items<{ state: string }>>().items[0]?.state, 'stopped');
        const history = await call('GET', `/api/v1/images/${digest}/history`, 'viewer');
        assert.equal(history.json<{ deployments: { host: string }[] }>().deployments[0]?.host, 'web-01');
      });

      it('answers where, summary and alerts', async () => {
        const where = await call('GET', '/api/v1/where?purl=pkg:npm/corral-e2e-lib&running=true', 'viewer');
        assert.equal(where.statusCode, 200);
        const images = where.json<{ images: { digest: string; deployments: { containerId: string }[] }[] }>()
          .images;
        const mine = images.find((i) => i.digest === digest);
        assert.ok(mine, 'the pushed image is found by purl');
        assert.deepEqual(
          mine.deployments.map((d) => d.containerId),
          ['c1'],
        );
        const summary = await call('GET', '/api/v1/summary', 'viewer');
        assert.equal(summary.statusCode, 200);
        assert.ok(summary.json<{ images: number }>().images >= 1);
        assert.ok(summary.json<{ deployments: { running: number } }>().deployments.running >= 1);
        const alerts = await call('GET', '/api/v1/alerts', 'viewer');
        assert.deepEqual(alerts.json<Items<unknown>>().items, []);
      });

      it('rematch needs a vulndb (operator)', async () => {
        const res = await call('POST', '/api/v1/rematch', 'operator');
        assert.equal(res.statusCode, 503);
        assert.equal(errorOf(res).code, 'VULNDB_NOT_FOUND');
      });

      it('manages webhooks (admin) without ever returning secrets', async () => {
        const add = await call('POST', '/api/v1/webhooks', 'admin', {
          url: 'http://127.0.0.1:9/hook',
          secret: 's3cret',
          minSeverity: 'high',
        });
        assert.equal(add.statusCode, 201);
        assert.equal(add.json<Hook>().kind, 'generic');
        assert.equal(add.json<Hook>().hasSecret, true);
        assert.equal(add.json<Hook>().secret, undefined);
        const bad = await call('POST', '/api/v1/webhooks', 'admin', { url: 'ftp://x', kind: 'teams' });
        assert.equal(bad.statusCode, 400);
        assert.match(errorOf(bad).message, /body\.url/);
        assert.match(errorOf(bad).message, /body\.kind/);
        const list = await call('GET', '/api/v1/webhooks', 'admin');
        assert.equal(list.json<Items<unknown>>().items.length, 1);
        assert.ok(!JSON.stringify(list.json()).includes('s3cret'));
        assert.equal((await call('GET', '/api/v1/webhooks', 'viewer')).statusCode, 403);
        const deliveries = await call('GET', '/api/v1/webhooks/deliveries', 'admin');
        assert.deepEqual(deliveries.json<Items<unknown>>().items, []);
        const audit = await auditActions();
        assert.ok(audit.some((a) => a.action === 'webhook.add' && a.target === 'http://127.0.0.1:9/hook'));
        const auditApi = await call('GET', '/api/v1/audit?limit=500', 'admin');
        assert.ok(auditApi.json<Items<unknown>>().items.length >= 5);
      });

      it('exposes Prometheus metrics', async () => {
        const res = await call('GET', '/metrics', 'viewer');
        assert.equal(res.statusCode, 200);
        assert.match(res.headers['content-type'] as string, /^text\/plain/);
        const text = res.body;
        assert.match(
          text,
          /corral_http_requests_total\{method="POST",route="\/api\/v1\/images",status="201"\} 2/,
        );
        assert.match(
          text,
          /corral_http_request_duration_seconds_bucket\{le="[0-9.]+",method="GET",route="\/api\/v1\/images"\}/,
        );
        assert.match(text, /corral_pushes_total\{created="true"\} 2/);
        assert.match(text, /corral_pushes_total\{created="false"\} 1/);
        assert.match(text, /corral_deployments\{state="running"\} 1/);
        assert.match(text, /corral_deployments\{state="stopped"\} 1/);
        assert.match(text, /# TYPE corral_rematch_duration_seconds histogram/);
        assert.match(text, /# TYPE corral_webhook_deliveries_total counter/);
      });

      it('serves a valid OpenAPI 3 document covering every route', async () => {
        const res = await call('GET', '/openapi.json', 'viewer');
        assert.equal(res.statusCode, 200);
        const doc = res.json<{
          openapi: string;
          info: { title: string; version: string };
          paths: Record<
            string,
            Record<
              string,
              {
                parameters: { name: string; in: string }[];
                responses: Record<string, unknown>;
                requestBody?: { content: Record<string, { schema: object }> };
              }
            >
          >;
        }>();
        assert.match(doc.openapi, /^3\.\d+\.\d+$/);
        assert.ok(doc.info.title && doc.info.version);
        const routes = allRoutes(() => undefined);
        assert.ok(routes.length >= 20);
        const ajv = new Ajv({ strict: false });
        addFormats.default(ajv);
        for (const r of routes) {
          const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
          assert.ok(op, `${r.method} ${r.url} is documented`);
          assert.ok(Object.keys(op.responses).length >= 1);
          for (const name of [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]))
            assert.ok(
              op.parameters.some((p) => p.in === 'path' && p.name === name),
              `${r.url} declares {${name}}`,
            );
          if (r.body) {
            const schema = op.requestBody?.content['application/json']?.schema;
            assert.ok(schema, `${r.url} documents its body`);
            assert.doesNotThrow(() => ajv.compile(schema), `${r.url} body schema compiles`);
          }
        }
        const push = doc.paths['/api/v1/images']!.post!;
        const schema = ajv.compile(push.requestBody!.content['application/json']!.schema);
        assert.equal(schema({ sbom: sampleSbom(randomDigest()) }), true);
        assert.equal(schema({}), false);
        // the document is JSON all the way down (no undefined, no functions)
        assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
      });

      it('rejects bodies over the limit with 413 JSON', async () => {
        const small = await createApp({ store, bodyLimit: 1024 });
        try {
          const res = await small.inject({
            method: 'POST',
            url: '/api/v1/images',
            headers: { authorization: `Bearer ${tokens.ci}`, 'content-type': 'application/json' },
            payload: JSON.stringify({ sbom: sampleSbom(randomDigest()), pad: 'x'.repeat(4096) }),
          });
          assert.equal(res.statusCode, 413);
          assert.equal(errorOf(res).code, 'API_PAYLOAD_TOO_LARGE');
          assert.match(errorOf(res).message, /1024 bytes/);
        } finally {
          await small.close();
        }
      });
    },
  );
}
