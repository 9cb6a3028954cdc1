/**
 * `corral server` as a real process, on SQLite (the embedded default under $CORRAL_HOME) and on a fresh
 * PostgreSQL database: HTTPS with a certificate signed by the test CA, a push and an agent snapshot
 * over the API, then `corral db import` into the default vulndb path (done by "someone else") is
 * noticed, re-matched, and the alert reaches a loopback webhook that checks the HMAC (first attempt
 * answered 500, retried); SIGTERM shuts down gracefully with exit 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { isAppError } from '../../src/errors.js';
import { CorralClient } from '../../src/server/client.js';
import { runCli } from '../helpers/cli.js';
import {
  randomDigest,
  sampleSbom,
  serverCert,
  startReceiver,
  storeTargets,
  writeOsvFeed,
  type StoreTarget,
} from './server-fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) suite(target);

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function suite(target: StoreTarget): void {
  describe(
    `corral server process (${target.name})`,
    { skip: target.target === undefined ? 'no PostgreSQL' : false, timeout: 300_000 },
    () => {
      it('serves HTTPS, re-matches on a vulndb import, signs webhooks, stops on SIGTERM', async (t) => {
        const work = await mkdtemp(join(tmpdir(), 'corral-srv-proc-'));
        const home = join(work, 'home');
        const receiver = await startReceiver([500]);
        let child: ChildProcessWithoutNullStreams | undefined;
        try {
          const tls = await serverCert(work);
          if (tls === undefined) return t.skip('needs the test CA (CORRAL_TEST_REGISTRY_CA)');
          const dbArgs = target.name === 'postgres' ? ['--database', target.target!] : [];
          const tokens: Record<string, string> = {};
          for (const role of ['admin', 'agent']) {
            const r = await runCli(['token', 'create', `${role}-p`, '--role', role, ...dbArgs], {
              CORRAL_HOME: home,
            });
            assert.equal(r.code, 0, r.stderr);
            tokens[role] = r.stdout.trim();
          }

          child = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              join(ROOT, 'test', 'helpers', 'cli-entry.ts'),
              'server',
              '--listen',
              '127.0.0.1:0',
              '--tls-cert',
              tls.cert,
              '--tls-key',
              tls.key,
              '--webhook',
              receiver.url,
              '--webhook-secret',
              'proc-secret',
              '--vulndb-poll',
              '200ms',
              ...dbArgs,
            ],
            { cwd: ROOT, env: { ...process.env, CORRAL_HOME: home, NO_COLOR: '1' } },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
          const url = await waitFor(`the listening line (stdout: ${out} stderr: ${err})`, () => {
            const m = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
            return m?.[1];
          });

          // TLS: trusted with the CA, refused without it
          const dispatcher = new Agent({ connect: { ca: tls.ca } });
          const health = await request(`${url}/healthz`, { dispatcher });
          assert.equal(health.statusCode, 200);
          assert.deepEqual(await health.body.json(), { status: 'ok' });
          const ready = (await (await request(`${url}/readyz`, { dispatcher })).body.json()) as {
            vulndb: { configured: boolean; available: boolean; path: string };
          };
          assert.equal(ready.vulndb.configured, true);
          assert.equal(ready.vulndb.available, false);
          assert.equal(ready.vulndb.path, join(home, 'db', 'vuln.db'));
          await dispatcher.close();
          const untrusted = new CorralClient({ url, token: tokens.admin! });
          await assert.rejects(untrusted.summary(), (e: unknown) => isAppError(e, 'SERVER_UNREACHABLE'));
          await untrusted.close();

          const admin = new CorralClient({ url, token: tokens.admin!, ca: tls.ca });
          const agent = new CorralClient({ url, token: tokens.agent!, ca: tls.ca });
          const digest = randomDigest();
          assert.deepEqual(
            await admin.push({ sbom: sampleSbom(digest, '1.0.0', 'registry.example/proc:1') }),
            {
              digest,
              created: true,
            },
          );
          const sync = await agent.syncDeployments({
            agentId: 'proc-agent',
            platform: 'docker',
            host: 'proc-host',
            containers: [{ containerId: 'proc-c1', name: 'proc', imageDigest: digest }],
            at: new Date().toISOString(),
          });
          assert.deepEqual(sync.unknownDigests, []);
          await agent.heartbeat('proc-agent');

          // someone imports a feed into the default vulndb path: the server notices and re-matches
          const cve = 'CVE-2099-4242';
          const feed = await writeOsvFeed(join(work, 'feed'), cve, 'GHSA-proc-aaaa-bbbb');
          const imp = await runCli(['db', 'import', feed, '--source', 'osv'], { CORRAL_HOME: home });
          assert.equal(imp.code, 0, imp.stderr);

          await waitFor('two webhook attempts', () => (receiver.received.length >= 2 ? true : undefined));
          const [first, second] = receiver.received;
          assert.equal(first!.status, 500);
          assert.equal(second!.status, 200);
          const sig = `sha256=${createHmac('sha256', 'proc-secret').update(second!.body).digest('hex')}`;
          assert.equal(second!.headers['x-corral-signature'], sig);
          const alert = (
            JSON.parse(second!.body) as { alert: { vulnerability: string; imageDigest: string } }
          ).alert;
          assert.equal(alert.imageDigest, digest);
          assert.ok([cve, 'GHSA-proc-aaaa-bbbb'].includes(alert.vulnerability));

          const deliveries = await admin.call<{ items: { status: string; attempt: number }[] }>(
            'GET',
            'api/v1/webhooks/deliveries',
          );
          assert.deepEqual(deliveries.items.map((d) => `${d.attempt}:${d.status}`).sort(), [
            '1:pending',
            '2:delivered',
          ]);
          const where = await admin.where({ vulnerability: cve, running: true });
          assert.deepEqual(
            where.map((w) => w.digest),
            [digest],
          );
          const metrics = await request(`${url}/metrics`, {
            headers: { authorization: `Bearer ${tokens.admin}` },
            dispatcher: new Agent({ connect: { ca: tls.ca } }),
          });
          const text = await metrics.body.text();
          assert.match(text, /corral_webhook_deliveries_total\{kind="generic",status="delivered"\} 1/);
          assert.match(text, /corral_rematch_duration_seconds_count 1/);
          assert.match(text, /corral_process_cpu_user_seconds_total/);
          await admin.close();
          await agent.close();

          child.kill('SIGTERM');
          const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
          assert.equal(code, 0, `exit after SIGTERM (stderr: ${err})`);
          assert.match(out, /"msg":"shutting down"/);
          assert.match(out, /"msg":"stopped"/);
          child = undefined;
        } finally {
          child?.kill('SIGKILL');
          await receiver.close();
          await rm(work, { recursive: true, force: true });
        }
      });
    },
  );
}
