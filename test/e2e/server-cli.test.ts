/**
 * The inventory CLI against a real listening server (in-process, port 0), on SQLite and on a fresh
 * PostgreSQL database: `corral token create|ls|revoke` writing the DB directly, `corral push` (SBOM,
 * scan result, CI provenance from env), `corral scan sbom:FILE --push`, `corral where` (table and
 * JSON), `corral ls images|deployments|history`, `corral summary`, and the 401/403 messages the CLI
 * shows.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importPath } from '../../src/vulndb/import.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { runCli } from '../helpers/cli.js';
import { randomDigest, sampleSbom, storeTargets, writeOsvFeed, type StoreTarget } from './server-fixtures.js';

const targets = await storeTargets();
after(async () => {
  for (const t of targets) await t.cleanup();
});

for (const target of targets) suite(target);

function suite(target: StoreTarget): void {
  describe(
    `inventory CLI against a server (${target.name})`,
    { skip: target.target === undefined ? 'no PostgreSQL' : false, timeout: 300_000 },
    () => {
      let work: string;
      let server: RunningServer;
      let vulndb: string;
      const tokens: Record<string, string> = {};
      const digest = randomDigest();
      const scanned = randomDigest();
      const cve = `CVE-2099-${Math.floor(1000 + Math.random() * 8999)}`;
      const db = target.target!;

      before(async () => {
        work = await mkdtemp(join(tmpdir(), 'corral-srv-cli-'));
        vulndb = join(work, 'vuln.db');
        await importPath(vulndb, await writeOsvFeed(join(work, 'feed'), cve, 'GHSA-cli0-abcd-efgh'), {
          source: 'osv',
        });
        for (const role of ['ci', 'viewer', 'agent']) {
          const r = await runCli(['token', 'create', `${role}-bot`, '--role', role, '--database', db], {
            CORRAL_HOME: work,
          });
          assert.equal(r.code, 0, r.stderr);
          tokens[role] = r.stdout.trim();
          assert.match(tokens[role], /^corral_/);
          assert.match(r.stderr, new RegExp(`created token "${role}-bot" \\(${role}, id `));
        }
        server = await startServer({
          database: db,
          listen: '127.0.0.1:0',
          vulndbPath: vulndb,
          vulndbPollMs: 3_600_000,
        });
      });
      after(async () => {
        await server?.close();
        await rm(work, { recursive: true, force: true });
      });

      const env = (role?: string): Record<string, string | undefined> => ({
        CORRAL_SERVER: server.url,
        CORRAL_TOKEN: role === undefined ? '' : tokens[role],
        CORRAL_HOME: work,
        GITHUB_ACTIONS: undefined,
        GITLAB_CI: undefined,
        JENKINS_URL: undefined,
      });

      it('token create rejects an unknown role; token ls lists without values', async () => {
        const bad = await runCli(['token', 'create', 'x', '--role', 'root', '--database', db]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /invalid --role "root"/);
        assert.match(bad.stderr, /viewer, ci, agent, operator, admin/);
        const ls = await runCli(['token', 'ls', '--database', db]);
        assert.equal(ls.code, 0, ls.stderr);
        assert.match(ls.stdout, /ci-bot\s+ci/);
        assert.ok(!ls.stdout.includes(tokens.ci!), 'token values are never listed');
      });

      it('push sends an SBOM with CI provenance (201, then "already stored")', async () => {
        const file = join(work, 'sbom.json');
        await writeFile(file, JSON.stringify(sampleSbom(digest, '1.0.0', 'registry.example/cli:1')));
        const ci = {
          ...env('ci'),
          GITHUB_ACTIONS: 'true',
          GITHUB_REPOSITORY: 'acme/cli-app',
          GITHUB_SHA: 'deadbeef',
          GITHUB_REF: 'refs/heads/main',
          GITHUB_RUN_ID: '42',
          GITHUB_ACTOR: 'octo',
          GITHUB_WORKFLOW: 'build',
        };
        const r = await runCli(['push', file, '--tag', 'registry.example/cli:latest'], ci);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`pushed ${digest} to .* \\(new image\\)`));
        const again = await runCli(['push', file, '--json'], ci);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(JSON.parse(again.stdout), { digest, created: false });
        const img = await server.store.getImage(digest);
        assert.equal(img?.provenance?.commit, 'deadbeef');
        assert.match(img?.provenance?.repository ?? '', /acme\/cli-app/);
        assert.equal(img?.provenance?.actor, 'octo');
        assert.ok(img?.repoTags.includes('registry.example/cli:latest'));
      });

      it('push explains bad input, missing server, 401 and 403', async () => {
        const junk = join(work, 'junk.json');
        await writeFile(junk, '{"hello": "world"}');
        const bad = await runCli(['push', junk], env('ci'));
        assert.equal(bad.code, 4);
        assert.match(bad.stderr, /PUSH_INPUT_INVALID/);
        const noServer = await runCli(['push', junk], { ...env('ci'), CORRAL_SERVER: '' });
        assert.notEqual(noServer.code, 0);
        const file = join(work, 'sbom2.json');
        await writeFile(file, JSON.stringify(sampleSbom(randomDigest())));
        const none = await runCli(['push', file], env());
        assert.equal(none.code, 5);
        assert.match(none.stderr, /API_UNAUTHENTICATED/);
        assert.match(none.stderr, /needs a token/);
        const viewer = await runCli(['push', file], env('viewer'));
        assert.equal(viewer.code, 5);
        assert.match(
          viewer.stderr,
          /error \[API_FORBIDDEN\]: POST \/api\/v1\/images: token "viewer-bot" has role viewer; POST \/api\/v1\/images needs role ci or agent or admin/,
        );
        const down = await runCli(['push', file, '--server', 'http://127.0.0.1:1'], env('ci'));
        assert.equal(down.code, 5);
        assert.match(down.stderr, /SERVER_UNREACHABLE/);
      });

      it('scan sbom:FILE --push pushes the scan result with findings', async () => {
        const file = join(work, 'scanned.json');
        await writeFile(file, JSON.stringify(sampleSbom(scanned, '1.5.0', 'registry.example/scanned:2')));
        const r = await runCli(
          [
            'scan',
            `sbom:${file}`,
            '--db',
            vulndb,
            '-o',
            `json=${join(work, 'result.json')}`,
            '--push',
            server.url,
          ],
          { ...env('ci'), CORRAL_TOKEN: tokens.ci },
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`pushed ${scanned}`));
        assert.ok(await server.store.getImage(scanned));
        // the same result file pushed again is recognised as a scan result
        const again = await runCli(['push', join(work, 'result.json'), '--json'], env('ci'));
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(JSON.parse(again.stdout), { digest: scanned, created: false });
      });

      it('where shows image, package, installed/fixed and the deployments under it', async () => {
        await server.store.syncDeployments({
          agentId: 'cli-agent',
          platform: 'docker',
          host: 'cli-host-01',
          containers: [{ containerId: 'c0ffee000001', name: 'cli-web', imageDigest: digest }],
          at: new Date().toISOString(),
        });
        const rematch = await server.jobs.rematch();
        assert.equal(rematch.skipped, false);

        const table = await runCli(['where', cve], env('viewer'));
        assert.equal(table.code, 0, table.stderr);
        const lines = table.stdout.split('\n');
        assert.match(lines[0]!, /^IMAGE\s+TAGS\s+BUILT BY\s+PACKAGE\s+INSTALLED\s+FIXED/);
        const imgLine = lines.findIndex((l) => l.startsWith(digest.slice(0, 19)));
        assert.ok(imgLine > 0, table.stdout);
        assert.match(
          lines[imgLine]!,
          /registry\.example\/cli:1.*acme\/cli-app.*corral-e2e-lib\s+1\.0\.0\s+2\.0\.0/,
        );
        assert.match(lines[imgLine + 1]!, /└ cli-host-01\s+cli-web \(c0ffee000001\)\s+running since/);
        assert.ok(table.stdout.includes(scanned.slice(0, 19)), 'the scanned 1.5.0 image is affected too');

        const json = await runCli(['where', cve, '--running', '--json'], env('viewer'));
        assert.equal(json.code, 0, json.stderr);
        const images = JSON.parse(json.stdout) as { digest: string; deployments: unknown[] }[];
        assert.deepEqual(
          images.map((i) => i.digest),
          [digest],
          'only the running image with --running',
        );

        const purl = await runCli(
          ['where', 'pkg:npm/corral-e2e-lib', '--range', '<1.2.0', '--json'],
          env('viewer'),
        );
        assert.equal(purl.code, 0, purl.stderr);
        assert.deepEqual(
          (JSON.parse(purl.stdout) as { digest: string }[]).map((i) => i.digest),
          [digest],
        );

        const none = await runCli(['where', 'CVE-1999-0001'], env('viewer'));
        assert.equal(none.code, 0);
        assert.match(none.stderr, /no image in the inventory contains CVE-1999-0001/);

        const forbidden = await runCli(['where', cve], env('ci'));
        assert.equal(forbidden.code, 5);
        assert.match(forbidden.stderr, /API_FORBIDDEN.*needs role viewer or operator or admin/);
      });

      it('ls images|deployments|history and summary', async () => {
        const images = await runCli(['ls', 'images', '--json'], env('viewer'));
        assert.equal(images.code, 0, images.stderr);
        const list = JSON.parse(images.stdout) as { digest: string; runningDeployments: number }[];
        assert.equal(list.find((i) => i.digest === digest)?.runningDeployments, 1);
        const table = await runCli(['ls', 'images'], env('viewer'));
        assert.match(table.stdout, /^IMAGE\s+TAGS\s+PACKAGES/);
        assert.ok(table.stdout.includes(digest.slice(0, 19)));

        const deps = await runCli(['ls', 'deployments', '--host', 'cli-host-01'], env('viewer'));
        assert.equal(deps.code, 0, deps.stderr);
        assert.match(deps.stdout, /cli-host-01\s+cli-web\s+c0ffee000001\s+sha256:\w{12}\s+-\s+running/);
        const other = await runCli(['ls', 'deployments', '--host', 'nowhere', '--json'], env('viewer'));
        assert.deepEqual(JSON.parse(other.stdout), []);

        const hist = await runCli(['ls', 'history', digest, '--json'], env('viewer'));
        assert.equal(hist.code, 0, hist.stderr);
        assert.equal((JSON.parse(hist.stdout) as { host: string }[])[0]?.host, 'cli-host-01');
        const badDigest = await runCli(['ls', 'history', 'latest'], env('viewer'));
        assert.equal(badDigest.code, 2);
        assert.match(badDigest.stderr, /params\.digest: must be a digest/);

        const summary = await runCli(['summary'], env('viewer'));
        assert.equal(summary.code, 0, summary.stderr);
        assert.match(summary.stdout, /images:\s+2/);
        assert.match(summary.stdout, /deployments:\s+1 running/);
        const sj = await runCli(['summary', '--json'], env('viewer'));
        assert.equal((JSON.parse(sj.stdout) as { images: number }).images, 2);
      });

      it('a revoked token gets 401; token commands are audited as cli:<user>', async () => {
        const ls = await runCli(['token', 'ls', '--json', '--database', db]);
        const viewer = (JSON.parse(ls.stdout) as { id: string; name: string }[]).find(
          (t) => t.name === 'viewer-bot',
        )!;
        const rev = await runCli(['token', 'revoke', viewer.id, '--database', db]);
        assert.equal(rev.code, 0, rev.stderr);
        const again = await runCli(['token', 'revoke', viewer.id, '--database', db]);
        assert.equal(again.code, 3);
        const denied = await runCli(['summary'], env('viewer'));
        assert.equal(denied.code, 5);
        assert.match(denied.stderr, /unknown or revoked/);
        const audit = (await server.store.listAudit({ limit: 500 })).items;
        assert.ok(audit.some((a) => a.action === 'token.create' && a.actor.startsWith('cli:')));
        assert.ok(audit.some((a) => a.action === 'token.revoke' && a.target === viewer.id));
        assert.ok(
          audit.some((a) => a.action === 'image.push' && a.actor === 'ci-bot' && a.target === scanned),
        );
      });
    },
  );
}
